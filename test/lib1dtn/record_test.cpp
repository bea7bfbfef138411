#include <doctest/doctest.h>

#include "1dtn/domain.hpp"
#include "1dtn/record.hpp"

using namespace dtn;

namespace {

std::string error_of(std::string_view text)
{
	auto parsed = parse_record(text);
	REQUIRE_FALSE(parsed.has_value());
	return parsed.error();
}

} // namespace

TEST_CASE("the version tag must be exact and followed by ';', space or the end")
{
	CHECK(is_1dtn_record("v=1dtn1"));
	CHECK(is_1dtn_record("v=1dtn1;trust=a.example"));
	CHECK(is_1dtn_record("v=1dtn1 ; trust=a.example"));
	CHECK(is_1dtn_record("v=1dtn1\t;"));
	CHECK_FALSE(is_1dtn_record("v=1dtn10; trust=a.example"));
	CHECK_FALSE(is_1dtn_record("V=1DTN1; trust=a.example"));
	CHECK_FALSE(is_1dtn_record(" v=1dtn1"));
	CHECK_FALSE(is_1dtn_record("v=spf1 -all"));
	CHECK_FALSE(is_1dtn_record(""));
}

TEST_CASE("a minimal record has the defaults")
{
	auto rec = parse_record("v=1dtn1");
	REQUIRE(rec);
	CHECK(rec->trust.empty());
	CHECK(rec->includes.empty());
	CHECK(rec->auth == auth_method::spf);
}

TEST_CASE("tags are parsed with white space around names, values and list entries")
{
	auto rec =
	        parse_record("v=1dtn1 ;  Trust = partner.example , *.Supplier.example,x.example. ; "
	                     "auth=spf,dkim;include=list.example ;");
	REQUIRE(rec);
	CHECK(rec->trust ==
	      std::vector<std::string>{"partner.example", "*.supplier.example", "x.example"});
	CHECK(rec->includes == std::vector<std::string>{"list.example"});
	CHECK(rec->auth == auth_method::spf_or_dkim);
}

TEST_CASE("auth values")
{
	CHECK(parse_record("v=1dtn1; auth=spf")->auth == auth_method::spf);
	CHECK(parse_record("v=1dtn1; auth=dkim")->auth == auth_method::dkim);
	CHECK(parse_record("v=1dtn1; auth=dkim, spf")->auth == auth_method::spf_or_dkim);
	CHECK(parse_record("v=1dtn1; auth=none")->auth == auth_method::none);
	CHECK(error_of("v=1dtn1; auth=arc").find("'arc'") != std::string::npos);
	CHECK(error_of("v=1dtn1; auth=").find("auth value") != std::string::npos);
	CHECK(error_of("v=1dtn1; auth=spf,spf").find("auth value") != std::string::npos);
	CHECK(error_of("v=1dtn1; auth=none,spf").find("none") != std::string::npos);
}

TEST_CASE("a repeated known tag is an error naming the tag, in any case")
{
	CHECK(error_of("v=1dtn1; trust=a.example; trust=b.example").find("'trust'") !=
	      std::string::npos);
	CHECK(error_of("v=1dtn1; auth=spf; AUTH=dkim").find("'auth'") != std::string::npos);
	CHECK(error_of("v=1dtn1; include=a.example; include=b.example").find("'include'") !=
	      std::string::npos);
}

TEST_CASE("unknown tags are ignored, even repeated")
{
	auto rec = parse_record("v=1dtn1; x-future=1; trust=a.example; x-future=2; v=1dtn2");
	REQUIRE(rec);
	CHECK(rec->trust == std::vector<std::string>{"a.example"});
	CHECK(rec->ignored_tags.size() == 3);
}

TEST_CASE("grammar violations name the offending part")
{
	CHECK(error_of("v=1dtn1 trust=a.example").find("expected ';'") != std::string::npos);
	CHECK(error_of("v=1dtn1;; trust=a.example").find("empty tag") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust").find("'trust'") != std::string::npos);
	CHECK(error_of("v=1dtn1; 9x=1").find("'9x'") != std::string::npos);
	CHECK(error_of("v=1dtn1; =1").find("empty name") != std::string::npos);
	CHECK(error_of("v=1dtn1; a_b=1").find("'a_b'") != std::string::npos);
	CHECK(error_of(std::string("v=1dtn1; note=a\x01z", 17)).find("0x01") != std::string::npos);
	CHECK(error_of("v=1dtn10").find("version") != std::string::npos);
}

TEST_CASE("trust and include entries must be domains")
{
	CHECK(error_of("v=1dtn1; trust=a.example,,b.example").find("trust entry ''") !=
	      std::string::npos);
	CHECK(error_of("v=1dtn1; trust=a..example").find("'a..example'") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=a_b.example").find("'a_b.example'") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=*").find("'*'") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=a.*.example").find("'a.*.example'") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=-a.example").find("'-a.example'") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=" + std::string(64, 'a') + ".example").find("63 octets") !=
	      std::string::npos);
	CHECK(error_of("v=1dtn1; include=*.a.example").find("include entry") != std::string::npos);
	CHECK(error_of("v=1dtn1; include=").find("include") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=xn--zz.example").find("A-label") != std::string::npos);
}

TEST_CASE("an empty trust list is allowed")
{
	auto rec = parse_record("v=1dtn1; trust= ; auth=none");
	REQUIRE(rec);
	CHECK(rec->trust.empty());
}

TEST_CASE("U-labels become A-labels; unconvertible ones are errors")
{
	auto rec = parse_record("v=1dtn1; trust=bücher.example, *.MÜNCHEN.example");
	REQUIRE(rec);
	CHECK(rec->trust ==
	      std::vector<std::string>{"xn--bcher-kva.example", "*.xn--mnchen-3ya.example"});
	// U+2615 (a symbol) is DISALLOWED in IDNA2008.
	CHECK(error_of("v=1dtn1; trust=\xe2\x98\x95.example").find("A-label") != std::string::npos);
	CHECK(error_of("v=1dtn1; trust=\xff\xfe.example").find("A-label") != std::string::npos);
}

TEST_CASE("only records starting with the version tag are selected; two are an error")
{
	auto none = select_record({"v=spf1 -all", "hello", "v=1dtn10"});
	REQUIRE(none);
	CHECK_FALSE(none->has_value());

	auto one = select_record({"v=spf1 -all", "v=1dtn1; trust=a.example"});
	REQUIRE(one);
	CHECK(**one == "v=1dtn1; trust=a.example");

	auto two = select_record({"v=1dtn1; trust=a.example", "v=1dtn1"});
	REQUIRE_FALSE(two);
	CHECK(two.error().find("more than one") != std::string::npos);
}

TEST_CASE("A-labels and organizational domains")
{
	CHECK(to_a_label("Mail.Partner.Example.").value() == "mail.partner.example");
	CHECK(to_a_label("bücher.example").value() == "xn--bcher-kva.example");
	CHECK_FALSE(to_a_label(""));
	CHECK_FALSE(to_a_label("."));
	CHECK_FALSE(to_a_label("a b.example"));

	CHECK(organizational_domain("mail.partner.example") == "partner.example");
	CHECK(organizational_domain("partner.example") == "partner.example");
	CHECK(organizational_domain("a.b.partner.co.uk") == "partner.co.uk");
	CHECK(organizational_domain("co.uk") == "co.uk");
}

TEST_CASE("lint lists every problem, not only the first")
{
	auto findings = lint_record("v=1dtn1; trust=a..example; auth=maybe; trust=b.example; "
	                            "x-new=1;; include=*.x.example");
	std::vector<std::string> errors, warnings;
	for (auto const &f : findings)
		(f.error ? errors : warnings).push_back(f.text);
	REQUIRE(errors.size() == 5);
	CHECK(errors[0].find("'a..example'") != std::string::npos);
	CHECK(errors[1].find("'maybe'") != std::string::npos);
	CHECK(errors[2].find("'trust' appears more than once") != std::string::npos);
	CHECK(errors[3].find("empty tag") != std::string::npos);
	CHECK(errors[4].find("include entry") != std::string::npos);
	CHECK(warnings.empty()); // warnings need a record that parses

	auto questionable = lint_record("v=1dtn1; trust=*.com, *.co.uk, *.partner.example; "
	                                "auth=none; x-new=1");
	std::vector<std::string> texts;
	for (auto const &f : questionable) {
		CHECK_FALSE(f.error);
		texts.push_back(f.text);
	}
	REQUIRE(texts.size() == 4);
	CHECK(texts[0].find("'*.com'") != std::string::npos);
	CHECK(texts[1].find("'*.co.uk'") != std::string::npos);
	CHECK(texts[2].find("auth=none") != std::string::npos);
	CHECK(texts[3].find("'x-new'") != std::string::npos);

	CHECK(lint_record("v=1dtn1; trust=partner.example").empty());
	CHECK(lint_record("v=1dtn1").size() == 1);
	CHECK(lint_record("spf").front().error);
}
