// The SPF record parser: record selection, every mechanism's syntax with
// CIDR lengths, modifiers, and the errors that make a record permerror.
#include <doctest/doctest.h>

#include <string>

#include "1dtn/spf_record.hpp"

using namespace dtn::spf;

namespace {

record parse_ok(std::string_view text)
{
	auto rec = parse_record(text);
	REQUIRE_MESSAGE(rec.has_value(), text << ": " << rec.error());
	return *rec;
}

std::string parse_error(std::string_view text)
{
	auto rec = parse_record(text);
	REQUIRE_MESSAGE(!rec.has_value(), text << " should not parse");
	return rec.error();
}

} // namespace

TEST_CASE("an SPF record is v=spf1 followed by a space or the end")
{
	CHECK(is_spf_record("v=spf1"));
	CHECK(is_spf_record("v=spf1 -all"));
	CHECK(is_spf_record("V=SpF1 ~all"));
	CHECK_FALSE(is_spf_record("v=spf10"));
	CHECK_FALSE(is_spf_record("v=spf1mx"));
	CHECK_FALSE(is_spf_record("spf1 -all"));
	CHECK_FALSE(is_spf_record(""));
	CHECK_FALSE(is_spf_record("v=DKIM1; p=abc"));
}

TEST_CASE("mechanisms keep their order, qualifiers and arguments")
{
	auto rec = parse_ok("v=spf1 +a -mx:mail.example.com/24 ~ptr ?include:_spf.example.net "
	                    "exists:%{ir}.bl.example.org ip4:192.0.2.0/24 ip6:2001:db8::/32 all");
	REQUIRE(rec.mechanisms.size() == 8);
	auto const &m = rec.mechanisms;
	CHECK(m[0].kind == mechanism_kind::a);
	CHECK(m[0].qual == qualifier::pass);
	CHECK(m[0].domain_spec.empty());
	CHECK(m[1].kind == mechanism_kind::mx);
	CHECK(m[1].qual == qualifier::fail);
	CHECK(m[1].domain_spec == "mail.example.com");
	CHECK(m[1].cidr4 == 24);
	CHECK(m[1].cidr6 == 128);
	CHECK(m[2].kind == mechanism_kind::ptr);
	CHECK(m[2].qual == qualifier::softfail);
	CHECK(m[3].kind == mechanism_kind::include);
	CHECK(m[3].qual == qualifier::neutral);
	CHECK(m[3].domain_spec == "_spf.example.net");
	CHECK(m[4].kind == mechanism_kind::exists);
	CHECK(m[4].domain_spec == "%{ir}.bl.example.org");
	CHECK(m[5].kind == mechanism_kind::ip4);
	CHECK(m[5].cidr4 == 24);
	CHECK(to_text(m[5].network) == "192.0.2.0");
	CHECK(m[6].kind == mechanism_kind::ip6);
	CHECK(m[6].cidr6 == 32);
	CHECK(m[7].kind == mechanism_kind::all);
	CHECK(m[7].text == "all");
	CHECK_FALSE(rec.redirect);
	CHECK_FALSE(rec.exp);
}

TEST_CASE("dual CIDR lengths on a and mx")
{
	auto m = parse_ok("v=spf1 a/24//64 mx//0 a:foo:bar/baz.example.com A:x.example.com/0")
	                 .mechanisms;
	CHECK(m[0].cidr4 == 24);
	CHECK(m[0].cidr6 == 64);
	CHECK(m[1].cidr4 == 32);
	CHECK(m[1].cidr6 == 0);
	CHECK(m[2].domain_spec == "foo:bar/baz.example.com");
	CHECK(m[2].cidr4 == 32);
	CHECK(m[3].kind == mechanism_kind::a);
	CHECK(m[3].cidr4 == 0);
}

TEST_CASE("modifiers: redirect and exp once each, unknown ones checked and dropped")
{
	auto rec = parse_ok("v=spf1  mx redirect=_spf.example.com exp=why.%{d} "
	                    "moo.cow-far_out=man:dog/cat  ");
	CHECK(rec.mechanisms.size() == 1);
	REQUIRE(rec.redirect);
	CHECK(*rec.redirect == "_spf.example.com");
	REQUIRE(rec.exp);
	CHECK(*rec.exp == "why.%{d}");
	CHECK(parse_ok("v=spf1").mechanisms.empty());
	CHECK(parse_ok("v=spf1 default=+").mechanisms.empty());
}

TEST_CASE("syntax errors anywhere make the record invalid, naming the term")
{
	CHECK(parse_error("v=spf1 ip4:1.2.3.4 -all moo").find("moo") != std::string::npos);
	CHECK(parse_error("v=spf1 a/33").find("a/33") != std::string::npos);
	for (auto bad : {"v=spf1 -all.",
	                 "v=spf1 -all:foobar",
	                 "v=spf1 -all/8",
	                 "v=spf1 ptr/0",
	                 "v=spf1 ptr:",
	                 "v=spf1 a:",
	                 "v=spf1 a//129",
	                 "v=spf1 a/24/64",
	                 "v=spf1 a:museum",
	                 "v=spf1 a:abc.123",
	                 "v=spf1 include",
	                 "v=spf1 include:",
	                 "v=spf1 include:ip5.example.com/24",
	                 "v=spf1 exists",
	                 "v=spf1 exists:mail.example.com/24",
	                 "v=spf1 ip4",
	                 "v=spf1 ip4:1.2.3",
	                 "v=spf1 ip4:1.2.3.4/032",
	                 "v=spf1 ip4:1.2.3.4//32",
	                 "v=spf1 ip4:1.2.3.4:8080",
	                 "v=spf1 ip6",
	                 "v=spf1 ip6::CAFE::BABE",
	                 "v=spf1 ip6:::1/129",
	                 "v=spf1 ip6:::1//33",
	                 "v=spf1 redirect:example.com",
	                 "v=spf1 redirect=",
	                 "v=spf1 redirect=a.example.com redirect=b.example.com",
	                 "v=spf1 exp=",
	                 "v=spf1 exp=-all",
	                 "v=spf1 exp=a.example.com exp=b.example.com",
	                 "v=spf1 1up=foo",
	                 "v=spf1 =all",
	                 "v=spf1 foo=%abc",
	                 "v=spf1 moo.cow/far_out=man:dog/cat",
	                 "v=spf1 -exists:%(ir).example.com",
	                 "v=spf1 exp=%{r}.example.com",
	                 "v=spf1 a:%{a}.example.com",
	                 "v=spf1 a:ctrl.example.com\rptr",
	                 "v=spf1 ip4:192.0.2.5\n",
	                 "v=spf1 \x96 -all",
	                 "v=spf1 mx:foo.example.com\x01"})
		CHECK_MESSAGE(!parse_record(bad), bad);
	std::string with_nul("v=spf1 a:foo.example.com\0", 25);
	CHECK_FALSE(parse_record(with_nul));
	CHECK_FALSE(parse_record("v=spf10 -all"));
}
