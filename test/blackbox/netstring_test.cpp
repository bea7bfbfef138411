#include <doctest/doctest.h>

#include "blackbox/netstring.hpp"

using namespace blackbox;

TEST_CASE("a complete netstring yields its payload and length")
{
	auto r = netstring_parse("12:hello world!,rest", 100);
	REQUIRE(r.status == netstring_status::complete);
	CHECK(r.payload == "hello world!");
	CHECK(r.consumed == 16);
}

TEST_CASE("an empty payload is valid")
{
	auto r = netstring_parse("0:,", 10);
	REQUIRE(r.status == netstring_status::complete);
	CHECK(r.payload.empty());
}

TEST_CASE("every proper prefix is incomplete")
{
	std::string framed = netstring_encode("virtual user@example.com");
	for (std::size_t n = 0; n < framed.size(); ++n)
		CHECK(netstring_parse(framed.substr(0, n), 100).status ==
		      netstring_status::incomplete);
	CHECK(netstring_parse(framed, 100).status == netstring_status::complete);
}

TEST_CASE("framing errors are malformed, with a reason")
{
	for (const char *bad : {"x:abc,", "3abc,", "3:abcd", "03:abc,", "-1:,", "1234567890:x,"}) {
		auto r = netstring_parse(bad, 1 << 20);
		CHECK_MESSAGE(r.status == netstring_status::malformed, bad);
		CHECK(r.error != nullptr);
	}
}

TEST_CASE("a length above the limit is refused before the payload arrives")
{
	auto r = netstring_parse("100001:", 100000);
	CHECK(r.status == netstring_status::malformed);
}
