#include <doctest/doctest.h>

#include "ai/rules.hpp"
#include "rule_helpers.hpp"

using namespace ai;
using rule_test::detail_of;
using rule_test::fired;

namespace {
std::vector<signal> links_of(std::vector<link> links, std::vector<std::string> trusted = {})
{
	auto m = rule_test::plain_message();
	m.links = std::move(links);
	return link_signals(m, rule_context{std::move(trusted), {}});
}
} // namespace

TEST_CASE("link text showing one domain while the target is another")
{
	auto s =
	        links_of({{"http://secure-login.example.net/a", "https://www.mybank.co.jp/login"}});
	CHECK(fired(s, "link.text_domain_mismatch"));
	CHECK(detail_of(s, "link.text_domain_mismatch").find("mybank.co.jp") != std::string::npos);
	// Same organisational domain: quiet.
	CHECK_FALSE(fired(links_of({{"https://click.mybank.co.jp/r?1", "www.mybank.co.jp"}}),
	                  "link.text_domain_mismatch"));
	// Text that is not a domain: quiet.
	CHECK_FALSE(fired(links_of({{"https://example.net/", "Click here"}}),
	                  "link.text_domain_mismatch"));
	CHECK_FALSE(fired(links_of({{"https://example.net/", "report.pdf"}}),
	                  "link.text_domain_mismatch"));
}

TEST_CASE("IP-literal, shortener, punycode and userinfo links")
{
	CHECK(fired(links_of({{"http://203.0.113.9/login", ""}}), "link.ip_literal"));
	CHECK(fired(links_of({{"http://3232235777/", ""}}), "link.ip_literal"));
	CHECK(fired(links_of({{"https://bit.ly/3xYz", ""}}), "link.shortener"));
	CHECK(fired(links_of({{"https://xn--pypal-4ve.com/", ""}}), "link.punycode"));
	CHECK(fired(links_of({{"https://xn--pypal-4ve.com/", ""}}), "link.homograph"));
	CHECK(fired(links_of({{"http://www.paypal.com@evil.example/", ""}}), "link.userinfo"));
	auto quiet = links_of({{"https://www.example.com/news", "Read more"},
	                       {"mailto:info@example.com", "info@example.com"}});
	CHECK(quiet.empty());
}

TEST_CASE("links that imitate a trusted partner")
{
	std::vector<std::string> trusted{"partner.co.jp", "bank.example"};
	CHECK(fired(links_of({{"https://partner.co/login", ""}}, trusted),
	            "link.lookalike_trusted"));
	CHECK(fired(links_of({{"https://patrner.co.jp/", ""}}, trusted), "link.lookalike_trusted"));
	CHECK(fired(links_of({{"https://partner-secure.com/", ""}}, trusted),
	            "link.lookalike_trusted"));
	CHECK(fired(links_of({{"https://partner.co.jp.login.example.net/", ""}}, trusted),
	            "link.lookalike_trusted"));
	CHECK(fired(links_of({{"https://b\xD0\xB0nk.example/", ""}}, trusted),
	            "link.lookalike_trusted"));
	// The partner itself, its sub-domains, and unrelated names: quiet.
	CHECK_FALSE(fired(links_of({{"https://www.partner.co.jp/", ""}}, trusted),
	                  "link.lookalike_trusted"));
	CHECK_FALSE(fired(links_of({{"https://files.partner.co.jp/", ""}}, trusted),
	                  "link.lookalike_trusted"));
	CHECK_FALSE(fired(links_of({{"https://www.example.org/", ""}}, trusted),
	                  "link.lookalike_trusted"));
	// Without a trusted list nothing can be imitated.
	CHECK_FALSE(fired(links_of({{"https://patrner.co.jp/", ""}}), "link.lookalike_trusted"));
}

TEST_CASE("the imitated trusted domain is named")
{
	std::vector<std::string> trusted{"Partner.co.jp"};
	CHECK(imitated_trusted_domain("partner.co.jp", trusted) == "");
	CHECK(imitated_trusted_domain("mail.partner.co.jp", trusted) == "");
	CHECK(imitated_trusted_domain("partnner.co.jp", trusted) == "partner.co.jp");
	CHECK(imitated_trusted_domain("partner.jp", trusted) == "partner.co.jp");
	CHECK(imitated_trusted_domain("", trusted) == "");
	CHECK(imitated_trusted_domain("192.0.2.1", trusted) == "");
}

TEST_CASE("hostile link lists are bounded and do not crash")
{
	std::vector<link> many(5000, link{"http://203.0.113.1/", ""});
	many.push_back({std::string(100000, 'a'), std::string(100000, '.')});
	many.push_back({"http://", ""});
	many.push_back({"http://@", "@"});
	many.push_back({"http://[", "["});
	auto s = links_of(many, {"partner.co.jp"});
	CHECK(fired(s, "link.ip_literal"));
}
