#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <sstream>

#include "lab.hpp"
#include "settings.hpp"

namespace {

// The text of each `.It Cm Key` entry of the settings list of
// man/1dall-milter.conf.5, keyed by Key.
std::map<std::string, std::string> man_entries()
{
	std::map<std::string, std::string> entries;
	std::istringstream page(lab::read_file(lab::source_dir() / "man/1dall-milter.conf.5"));
	std::string line, current;
	std::regex item(R"(^\.It Cm ([A-Za-z]+))");
	while (std::getline(page, line)) {
		std::smatch m;
		if (std::regex_search(line, m, item)) {
			current = m[1];
			entries[current];
		} else if (line.starts_with(".Sh") || line.starts_with(".El")) {
			current.clear();
		} else if (!current.empty()) {
			entries[current] += line + "\n";
		}
	}
	return entries;
}

} // namespace

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

	auto range = milter::parse_settings("DnsTimeout 0\n", "c.conf");
	REQUIRE_FALSE(range);
	CHECK(range.error().find("from 1 to 120") != std::string::npos);
	CHECK_FALSE(milter::parse_settings("Socket\n", "d.conf"));
}

TEST_CASE("lists split on commas and blanks; none is empty")
{
	auto s = milter::parse_settings("LocalDomains a.example,b.example  c.example\n"
	                                "TrustedNetworks none\n",
	                                "t.conf");
	REQUIRE(s);
	CHECK(s->items("LocalDomains") ==
	      std::vector<std::string>{"a.example", "b.example", "c.example"});
	CHECK(s->items("TrustedNetworks").empty());
}

TEST_CASE("the man page documents exactly the table: keys, defaults, restart needs")
{
	auto entries = man_entries();
	for (auto const &spec : milter::settings_table()) {
		CAPTURE(spec.name);
		auto it = entries.find(std::string(spec.name));
		REQUIRE_MESSAGE(it != entries.end(), "missing from man/1dall-milter.conf.5");
		auto const &text = it->second;
		if (!spec.default_value.empty())
			CHECK(text.find("Default: " + std::string(spec.default_value)) !=
			      std::string::npos);
		CHECK((text.find("needs a restart") != std::string::npos) == !spec.reloadable);
	}
	for (auto const &[name, text] : entries)
		CHECK_MESSAGE(milter::find_setting(name) != nullptr,
		              name << " is documented but not in the settings table");
}

TEST_CASE("the example configuration parses and shows every key")
{
	auto path = lab::source_dir() / "etc/1dall-milter.conf";
	auto text = lab::read_file(path);
	CHECK(milter::parse_settings(text, path.string()));
	for (auto const &spec : milter::settings_table()) {
		CAPTURE(spec.name);
		std::regex key("(^|\n)#? ?" + std::string(spec.name) + "[ \t]");
		CHECK(std::regex_search(text, key));
	}
}
