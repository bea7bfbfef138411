#include <doctest/doctest.h>

#include "blackbox/table_source.hpp"

using namespace blackbox;

TEST_CASE("postmap-style source: comments, blanks, continuations, first-blank split")
{
	auto r = parse_table_source("# a comment\n"
	                            "\n"
	                            "   \t\n"
	                            "Alice@Example.test\texample.test/alice/\n"
	                            "  # indented comment\n"
	                            "bob@example.test   one two  \n"
	                            "\tthree\n"
	                            "carol@example.test x\r\n",
	                            "src");
	REQUIRE(r);
	REQUIRE(r->size() == 3);
	CHECK((*r)[0].key == "alice@example.test");
	CHECK((*r)[0].value == "example.test/alice/");
	CHECK((*r)[1].key == "bob@example.test");
	CHECK((*r)[1].value == "one two  \tthree");
	CHECK((*r)[2].value == "x");
}

TEST_CASE("source errors name the line")
{
	auto no_value = parse_table_source("a 1\nlonely\n", "src");
	REQUIRE_FALSE(no_value);
	CHECK(no_value.error().rfind("src:2: ", 0) == 0);

	auto duplicate = parse_table_source("a 1\nb 2\nA 3\n", "src");
	REQUIRE_FALSE(duplicate);
	CHECK(duplicate.error().find("src:3: duplicate key 'a' (first on line 1)") !=
	      std::string::npos);

	auto leading = parse_table_source("  x y\n", "src");
	REQUIRE_FALSE(leading);
	CHECK(leading.error().rfind("src:1: ", 0) == 0);
}

TEST_CASE("format_table_source reads back to the same entries")
{
	std::vector<table_entry> entries{{"b", "2 two"}, {"a", "1"}};
	std::string text = format_table_source(entries);
	CHECK(text == "a 1\nb 2 two\n");
	auto back = parse_table_source(text, "x");
	REQUIRE(back);
	CHECK(back->size() == 2);
}
