// Simple and relaxed canonicalization (RFC 6376 section 3.4) and the
// split of a message into header fields and body.
#include <doctest/doctest.h>

#include "1dtn/dkim.hpp"

using dtn::dkim_canon;
using dtn::dkim_canon_body;
using dtn::dkim_canon_header;

TEST_CASE("simple body: trailing empty lines go, one CRLF ends the body")
{
	CHECK(dkim_canon_body("", dkim_canon::simple) == "\r\n");
	CHECK(dkim_canon_body("\r\n", dkim_canon::simple) == "\r\n");
	CHECK(dkim_canon_body("\r\n\r\n\r\n", dkim_canon::simple) == "\r\n");
	CHECK(dkim_canon_body("text", dkim_canon::simple) == "text\r\n");
	CHECK(dkim_canon_body("a  b \r\n\r\n", dkim_canon::simple) == "a  b \r\n");
	CHECK(dkim_canon_body("a\r\n\r\nb\r\n", dkim_canon::simple) == "a\r\n\r\nb\r\n");
	CHECK(dkim_canon_body("a\r\n \r\n", dkim_canon::simple) == "a\r\n \r\n");
}

TEST_CASE("relaxed body: white space runs, line ends, empty bodies")
{
	CHECK(dkim_canon_body("", dkim_canon::relaxed) == "");
	CHECK(dkim_canon_body("\r\n", dkim_canon::relaxed) == "");
	CHECK(dkim_canon_body("\r\n \t\r\n\r\n", dkim_canon::relaxed) == "");
	CHECK(dkim_canon_body("text", dkim_canon::relaxed) == "text\r\n");
	CHECK(dkim_canon_body(" a \t b\t\r\n", dkim_canon::relaxed) == " a b\r\n");
	CHECK(dkim_canon_body("a\r\n \r\n\t\r\n", dkim_canon::relaxed) == "a\r\n");
	CHECK(dkim_canon_body("a\r\n\r\nb  \r\n\r\n", dkim_canon::relaxed) == "a\r\n\r\nb\r\n");
	// A lone CR is data, not a line end.
	CHECK(dkim_canon_body("a\rb\r\n", dkim_canon::relaxed) == "a\rb\r\n");
}

TEST_CASE("simple header: bytes unchanged")
{
	CHECK(dkim_canon_header("SubJect :  Hi \r\n\tthere ", dkim_canon::simple) ==
	      "SubJect :  Hi \r\n\tthere \r\n");
}

TEST_CASE("relaxed header: name lower-cased, value unfolded and collapsed")
{
	CHECK(dkim_canon_header("SubJect :  Hi \r\n\tthere  ", dkim_canon::relaxed) ==
	      "subject:Hi there\r\n");
	CHECK(dkim_canon_header("X-Empty:", dkim_canon::relaxed) == "x-empty:\r\n");
	CHECK(dkim_canon_header("X-Empty: \t ", dkim_canon::relaxed) == "x-empty:\r\n");
	CHECK(dkim_canon_header("To:a@b,\r\n c@d", dkim_canon::relaxed) == "to:a@b, c@d\r\n");
	// Only white space around the colon goes, not inside the value.
	CHECK(dkim_canon_header("A: x : y", dkim_canon::relaxed) == "a:x : y\r\n");
}

TEST_CASE("splitting: folded fields, empty body, missing separator")
{
	SUBCASE("folded header and a body")
	{
		auto m = dtn::dkim_split_message("From: a\r\n  b\r\nTo : c\r\n\r\nbody\r\n");
		REQUIRE(m.headers.size() == 2);
		CHECK(m.headers[0].name == "From");
		CHECK(m.headers[0].raw == "From: a\r\n  b");
		CHECK(m.headers[1].name == "To");
		CHECK(m.headers[1].raw == "To : c");
		CHECK(m.body == "body\r\n");
	}
	SUBCASE("no body at all")
	{
		auto m = dtn::dkim_split_message("From: a\r\nTo: b\r\n");
		CHECK(m.headers.size() == 2);
		CHECK(m.body.empty());
	}
	SUBCASE("an empty body after the separator")
	{
		auto m = dtn::dkim_split_message("From: a\r\n\r\n");
		CHECK(m.headers.size() == 1);
		CHECK(m.body.empty());
		CHECK(dkim_canon_body(m.body, dkim_canon::simple) == "\r\n");
	}
	SUBCASE("bare LF becomes CRLF; an unterminated last line stays so")
	{
		auto m = dtn::dkim_split_message("From: a\n\tb\n\nline\n\nlast");
		REQUIRE(m.headers.size() == 1);
		CHECK(m.headers[0].raw == "From: a\r\n\tb");
		CHECK(m.body == "line\r\n\r\nlast");
		CHECK(dkim_canon_body(m.body, dkim_canon::simple) == "line\r\n\r\nlast\r\n");
	}
	SUBCASE("a line without a colon keeps an empty name")
	{
		auto m = dtn::dkim_split_message(" leading fold\r\nnot a header\r\nFrom: a\r\n");
		REQUIRE(m.headers.size() == 3);
		CHECK(m.headers[0].name.empty());
		CHECK(m.headers[1].name.empty());
		CHECK(m.headers[2].name == "From");
	}
}
