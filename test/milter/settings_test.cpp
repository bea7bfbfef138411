#include <doctest/doctest.h>

#include "settings.hpp"

TEST_CASE("defaults come from the settings table")
{
	auto s = milter::parse_settings("", "empty.conf");
	REQUIRE(s);
	for (auto const &spec : milter::settings_table())
		CHECK(s->get(spec.name) == spec.default_value);
}

TEST_CASE("values are read, keys case-insensitively, comments skipped")
{
	auto s = milter::parse_settings("# comment\n\nmode monitor\nAllowInsecure no\n", "t.conf");
	REQUIRE(s);
	CHECK(s->get("Mode") == "monitor");
	CHECK_FALSE(s->flag("AllowInsecure"));
}

TEST_CASE("errors name the file, the line and the problem")
{
	auto unknown = milter::parse_settings("Mode enforce\nBogus 1\n", "a.conf");
	REQUIRE_FALSE(unknown);
	CHECK(unknown.error() == "a.conf:2: unknown setting 'Bogus'");

	auto invalid = milter::parse_settings("Mode sometimes\n", "b.conf");
	REQUIRE_FALSE(invalid);
	CHECK(invalid.error().find("b.conf:1: invalid value 'sometimes'") == 0);
}
