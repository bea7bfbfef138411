// The SPF macro expander and address forms, on the examples of RFC 7208
// section 7.4 and on the malformed macros the grammar refuses.
#include <doctest/doctest.h>

#include <string>

#include "1dtn/spf_record.hpp"

using namespace dtn::spf;

namespace {

macro_values rfc_values(std::string const &ip)
{
	macro_values v;
	v.sender = "strong-bad@email.example.com";
	v.local_part = "strong-bad";
	v.sender_domain = "email.example.com";
	v.domain = "email.example.com";
	v.helo = "mx.example.org";
	v.receiver = "mx.receiver.example";
	v.client = *parse_client_address(ip);
	v.now = 1234567890;
	return v;
}

std::string expand(std::string_view text, macro_values const &v, macro_use use = macro_use::domain)
{
	auto out = expand_macros(text, v, use);
	REQUIRE_MESSAGE(out.has_value(), text << ": " << out.error());
	return *out;
}

} // namespace

TEST_CASE("macro letters and transformers expand as in RFC 7208 7.4")
{
	auto v = rfc_values("192.0.2.3");
	CHECK(expand("%{s}", v) == "strong-bad@email.example.com");
	CHECK(expand("%{o}", v) == "email.example.com");
	CHECK(expand("%{d}", v) == "email.example.com");
	CHECK(expand("%{d4}", v) == "email.example.com");
	CHECK(expand("%{d3}", v) == "email.example.com");
	CHECK(expand("%{d2}", v) == "example.com");
	CHECK(expand("%{d1}", v) == "com");
	CHECK(expand("%{dr}", v) == "com.example.email");
	CHECK(expand("%{d2r}", v) == "example.email");
	CHECK(expand("%{l}", v) == "strong-bad");
	CHECK(expand("%{l-}", v) == "strong.bad");
	CHECK(expand("%{lr}", v) == "strong-bad");
	CHECK(expand("%{lr-}", v) == "bad.strong");
	CHECK(expand("%{l1r-}", v) == "strong");
	CHECK(expand("%{ir}.%{v}._spf.%{d2}", v) == "3.2.0.192.in-addr._spf.example.com");
	CHECK(expand("%{lr-}.lp._spf.%{d2}", v) == "bad.strong.lp._spf.example.com");
	CHECK(expand("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", v) ==
	      "3.2.0.192.in-addr.strong.lp._spf.example.com");
	CHECK(expand("%{d2}.trusted-domains.example.net", v) ==
	      "example.com.trusted-domains.example.net");
	CHECK(expand("%{h}", v) == "mx.example.org");
}

TEST_CASE("IPv6 clients expand to dotted nibbles and ip6")
{
	auto v = rfc_values("2001:db8::cb01");
	CHECK(expand("%{ir}.%{v}._spf.%{d2}", v) == "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	                                            "0.8.B.D.0.1.0.0.2.ip6._spf.example.com");
	CHECK(expand("%{c}", v, macro_use::explanation) == "2001:db8::cb01");
}

TEST_CASE("several delimiters, large digit counts and escapes")
{
	auto v = rfc_values("192.0.2.3");
	v.local_part = "foo-bar+zip+quux";
	CHECK(expand("%{l2r+-}", v) == "bar.foo");
	CHECK(expand("%{l=,/_.}", v) == "foo-bar+zip+quux");
	CHECK(expand("%{d100}", v) == "email.example.com");
	CHECK(expand("%{d99999999999999999999}", v) == "email.example.com");
	CHECK(expand("a%%b%_c%-d", v) == "a%b c%20d");
	v.local_part = "~jack&jill=up-a_b3.c";
	CHECK(expand("%{L}", v) == "~jack%26jill%3Dup-a_b3.c");
	CHECK(expand("%{l}", v) == "~jack&jill=up-a_b3.c");
}

TEST_CASE("c, r and t are for explanations only")
{
	auto v = rfc_values("192.0.2.3");
	CHECK_FALSE(expand_macros("%{c}", v, macro_use::domain));
	CHECK_FALSE(expand_macros("%{r}", v, macro_use::domain));
	CHECK_FALSE(expand_macros("%{t}", v, macro_use::domain));
	CHECK(expand("%{c} %{r} %{t}", v, macro_use::explanation) ==
	      "192.0.2.3 mx.receiver.example 1234567890");
}

TEST_CASE("malformed macros are refused with a reason")
{
	auto v = rfc_values("192.0.2.3");
	for (auto bad : {"%", "foo%", "%x", "%(ir)", "%{", "%{d", "%{d2", "%{d0}", "%{z}", "%{d2x}",
	                 "%{}", "%{dr2}"}) {
		auto out = expand_macros(bad, v, macro_use::explanation);
		CHECK_MESSAGE(!out, bad);
		if (!out)
			CHECK_FALSE(out.error().empty());
		CHECK_FALSE(check_macro_string(bad, macro_use::explanation));
	}
}

TEST_CASE("%{p} asks for the validated name once, else says unknown")
{
	auto v = rfc_values("192.0.2.3");
	CHECK(expand("%{p}", v) == "unknown");
	int calls = 0;
	v.validated_name = [&calls] {
		calls++;
		return std::string("mx.example.com");
	};
	CHECK(expand("%{p}.%{p2}", v) == "mx.example.com.example.com");
	CHECK(calls == 1);
	CHECK(expand("%{d}", v) == "email.example.com");
	CHECK(calls == 1);
}

TEST_CASE("domain-specs must end in a macro or a valid top label")
{
	for (auto good : {"example.com", "example.com.", "%{d}", "%{d}.bar", "a.xn--zckzah",
	                  "foo:bar/baz.example.com", "x.1-2", "%{ir}.%{v}.%{d}", "x.%%"})
		CHECK_MESSAGE(check_domain_spec(good), good);
	for (auto bad : {"", "foo-bar", "museum", "museum.", "abc.123", "111.222.33.44",
	                 "example.-com", "example.com:8080", "example.com/24", "a.b%", "%{r}.com",
	                 "%{d}com", "foo bar.com", "a.com\x01"})
		CHECK_MESSAGE(!check_domain_spec(bad), bad);
}

TEST_CASE("expanded names are shaped into queries")
{
	CHECK(query_name("example.com.") == "example.com");
	std::string label(60, 'a');
	std::string four = label + "." + label + "." + label + "." + label;
	auto long_name = "x." + label + "." + four + ".com"; // 310 characters
	auto shaped = query_name(long_name);
	CHECK(shaped.size() <= 253);
	CHECK(shaped == four + ".com");
	CHECK(is_queryable("example.com"));
	CHECK_FALSE(is_queryable(""));
	CHECK_FALSE(is_queryable("mail.example...com"));
	CHECK_FALSE(is_queryable(std::string(64, 'a') + ".com"));
	CHECK(is_queryable(std::string(63, 'a') + ".com"));
}

TEST_CASE("client addresses: mapped IPv4, strict quads, reverse names, networks")
{
	auto mapped = parse_client_address("::FFFF:1.2.3.4");
	REQUIRE(mapped);
	CHECK_FALSE(mapped->v6);
	CHECK(to_text(*mapped) == "1.2.3.4");
	CHECK_FALSE(parse_ip4("1.2.3"));
	CHECK_FALSE(parse_ip4("1.2.3.04"));
	CHECK_FALSE(parse_ip4("1.2.3.256"));
	CHECK_FALSE(parse_ip4("1.2.3.4.5"));
	CHECK_FALSE(parse_ip6(":CAFE::BABE"));
	CHECK(parse_ip6("::1.1.1.1"));
	CHECK_FALSE(parse_client_address("mail.example.com"));

	auto v4 = *parse_ip4("192.0.2.3");
	CHECK(reverse_name(v4) == "3.2.0.192.in-addr.arpa");
	auto v6 = *parse_ip6("2001:db8::cb01");
	CHECK(reverse_name(v6) ==
	      "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");

	CHECK(in_network(v4, *parse_ip4("192.0.2.0"), 24));
	CHECK(in_network(v4, *parse_ip4("192.0.2.2"), 31));
	CHECK_FALSE(in_network(v4, *parse_ip4("192.0.2.4"), 30));
	CHECK(in_network(v4, *parse_ip4("10.0.0.0"), 0));
	CHECK_FALSE(in_network(v4, v6, 0));
	CHECK(in_network(v6, *parse_ip6("2001:db8::"), 32));
	CHECK_FALSE(in_network(v6, *parse_ip6("2001:db9::"), 32));
	CHECK_FALSE(in_network(v4, v4, 33));
}
