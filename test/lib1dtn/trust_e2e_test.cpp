// The whole 1DTN decision against a real DNS: NSD serving signed,
// unsigned, broken and dead zones, and the validating libunbound
// resolver pointed at it with the lab's trust anchor.
#include <doctest/doctest.h>

#include <chrono>

#include "1dtn/resolver.hpp"
#include "1dtn/trust.hpp"
#include "dns_lab.hpp"

using namespace dtn;
using namespace std::chrono_literals;

namespace {

constexpr auto query_timeout = 1500ms;

std::string declaration(std::string const &text)
{
	return lab::txt_record("_1dtn", text);
}

lab::dns_lab &shared_dns()
{
	static lab::dns_lab dns;
	static bool const started = [] {
		// me.example's trust list is longer than 255 octets: it is
		// published as several character-strings.
		std::string me = "v=1dtn1; trust=partner.example, *.partner.example, "
		                 "*.supplier.example, bücher.example, weak.example, "
		                 "plain.example, broken.example, slow.example, spffail.example; "
		                 "x-comment=" +
		                 std::string(200, 'x');
		dns.add_zone("me.example", {declaration(me), "@ TXT \"v=spf1 -all\""});
		dns.add_zone("partner.example",
		             {declaration("v=1dtn1; trust=me.example, hub.example, limit.example, "
		                          "loop.example"),
		              "@ TXT \"v=spf1 ip4:192.0.2.10 -all\"", "mail A 192.0.2.10"});
		dns.add_zone("oneside.example", {declaration("v=1dtn1; trust=me.example")});
		dns.add_zone("norecord.example",
		             {"_1dtn TXT \"not a declaration\"", "@ TXT \"v=spf1 -all\""});
		dns.add_zone("supplier.example", {declaration("v=1dtn1; trust=me.example"),
		                                  "_1dtn.a TXT \"v=1dtn1; trust=me.example\""});
		dns.add_zone("xn--bcher-kva.example", {declaration("v=1dtn1; trust=me.example")});
		dns.add_zone("weak.example", {declaration("v=1dtn1; trust=me.example; auth=none")});
		dns.add_zone("spffail.example", {declaration("v=1dtn1; trust=me.example")});
		dns.add_zone("plain.example", {declaration("v=1dtn1; trust=me.example")},
		             lab::zone_security::unsigned_zone);
		dns.add_zone("broken.example", {declaration("v=1dtn1; trust=me.example")},
		             lab::zone_security::broken_signature);
		dns.add_dead_zone("slow.example");

		// Include chains live in lists.example.
		std::vector<std::string> lists;
		for (int i = 1; i < 9; ++i)
			lists.push_back(lab::txt_record(
			        "_1dtn.c" + std::to_string(i),
			        "v=1dtn1; include=c" + std::to_string(i + 1) + ".lists.example"));
		lists.push_back(lab::txt_record("_1dtn.c9", "v=1dtn1; trust=partner.example"));
		for (int i = 1; i <= 10; ++i)
			lists.push_back(lab::txt_record(
			        "_1dtn.m" + std::to_string(i),
			        "v=1dtn1; include=m" + std::to_string(i + 1) + ".lists.example"));
		lists.push_back(lab::txt_record("_1dtn.m11", "v=1dtn1; trust=partner.example"));
		lists.push_back(lab::txt_record("_1dtn.x1", "v=1dtn1; include=x2.lists.example"));
		lists.push_back(lab::txt_record("_1dtn.x2", "v=1dtn1; include=x1.lists.example"));
		dns.add_zone("lists.example", lists);
		// hub: 1 + 9 includes = 10 lookups; limit: 1 + 11 includes.
		dns.add_zone("hub.example", {declaration("v=1dtn1; include=c1.lists.example")});
		dns.add_zone("limit.example", {declaration("v=1dtn1; include=m1.lists.example")});
		dns.add_zone("loop.example", {declaration("v=1dtn1; include=x1.lists.example")});
		dns.start();
		return true;
	}();
	(void)started;
	return dns;
}

sender_check spf(std::string domain, spf_result result = spf_result::pass)
{
	sender_check check;
	check.sender_domain = std::move(domain);
	check.spf = result;
	check.dnssec = dnssec_state::secure;
	return check;
}

struct checker_fixture {
	trust_options options;

	std::unique_ptr<trust_checker> checker()
	{
		auto resolver =
		        unbound_resolver::create(shared_dns().resolver_options(query_timeout));
		REQUIRE_MESSAGE(resolver, resolver.error());
		return std::make_unique<trust_checker>(*resolver, options);
	}

	decision decide(sender_check const &sender, std::string_view recipient)
	{
		return checker()->decide(sender, recipient);
	}
};

} // namespace

TEST_CASE_FIXTURE(checker_fixture, "mutual declarations on signed zones pass, secure")
{
	auto d = decide(spf("partner.example"), "me.example");
	CHECK_MESSAGE(d.outcome == result::pass, d.reason);
	CHECK(d.dnssec == dnssec_state::secure);
	CHECK_FALSE(d.insecure);
	REQUIRE(d.steps.size() == 2);
	CHECK(d.steps[0].name == "_1dtn.partner.example");
	CHECK(d.steps[0].dnssec == dnssec_state::secure);
	// me.example's record arrived in several strings and was joined.
	CHECK(d.steps[1].found.find("x-comment=xxxx") != std::string::npos);
}

TEST_CASE_FIXTURE(checker_fixture, "a one-sided declaration fails")
{
	auto d = decide(spf("oneside.example"), "me.example");
	CHECK(d.outcome == result::fail);
	CHECK(d.reason == "me.example does not trust oneside.example");
}

TEST_CASE_FIXTURE(checker_fixture, "no 1DTN record and a nonexistent domain both fail")
{
	auto none = decide(spf("norecord.example"), "me.example");
	CHECK(none.outcome == result::fail);
	CHECK(none.reason == "norecord.example publishes no 1DTN declaration");
	REQUIRE_FALSE(none.steps.empty());
	CHECK(none.steps[0].status == dns_status::ok);

	auto ghost = decide(spf("ghost.example"), "me.example");
	CHECK(ghost.outcome == result::fail);
	CHECK(ghost.reason == "ghost.example publishes no 1DTN declaration");
	CHECK(ghost.steps[0].status == dns_status::nxdomain);
	CHECK(ghost.steps[0].dnssec == dnssec_state::secure);
}

TEST_CASE_FIXTURE(checker_fixture, "a wildcard matches a subdomain but not the bare domain")
{
	auto sub = decide(spf("a.supplier.example"), "me.example");
	CHECK_MESSAGE(sub.outcome == result::pass, sub.reason);
	auto bare = decide(spf("supplier.example"), "me.example");
	CHECK(bare.outcome == result::fail);
	CHECK(bare.reason == "me.example does not trust supplier.example");
}

TEST_CASE_FIXTURE(checker_fixture, "a subdomain without a record falls back to its "
                                   "organizational domain")
{
	auto d = decide(spf("mail.partner.example"), "me.example");
	CHECK_MESSAGE(d.outcome == result::pass, d.reason);
	REQUIRE(d.steps.size() >= 2);
	CHECK(d.steps[0].name == "_1dtn.mail.partner.example");
	CHECK(d.steps[0].status == dns_status::nxdomain);
	CHECK(d.steps[1].name == "_1dtn.partner.example");
}

TEST_CASE_FIXTURE(checker_fixture, "includes: a chain within the limit, over it, and a loop")
{
	auto chain = decide(spf("partner.example"), "hub.example");
	CHECK_MESSAGE(chain.outcome == result::pass, chain.reason);
	CHECK(chain.steps.size() == 11); // partner + hub and its 9 includes

	auto limit = decide(spf("partner.example"), "limit.example");
	CHECK(limit.outcome == result::permerror);
	CHECK(limit.reason.find("include limit") != std::string::npos);

	auto loop = decide(spf("partner.example"), "loop.example");
	CHECK(loop.outcome == result::permerror);
	CHECK(loop.reason.find("include loop") != std::string::npos);
}

TEST_CASE_FIXTURE(checker_fixture, "an IDN partner is looked up and matched as an A-label")
{
	auto d = decide(spf("bücher.example"), "me.example");
	CHECK_MESSAGE(d.outcome == result::pass, d.reason);
	CHECK(d.steps[0].name == "_1dtn.xn--bcher-kva.example");
}

TEST_CASE_FIXTURE(checker_fixture, "a bogus answer is a temperror, never trusted")
{
	auto d = decide(spf("broken.example"), "me.example");
	CHECK(d.outcome == result::temperror);
	CHECK(d.dnssec == dnssec_state::bogus);
	CHECK(d.reason.find("bogus") != std::string::npos);
}

TEST_CASE_FIXTURE(checker_fixture, "a dead server is a temperror within the configured time")
{
	auto start = std::chrono::steady_clock::now();
	auto d = decide(spf("slow.example"), "me.example");
	auto took = std::chrono::steady_clock::now() - start;
	CHECK(d.outcome == result::temperror);
	CHECK(d.reason.find("timed out") != std::string::npos);
	CHECK(took < query_timeout + 1000ms);
}

TEST_CASE_FIXTURE(checker_fixture, "SPF on the validating resolver decides authenticity")
{
	auto check = checker();
	auto good = check->check_sender(
	        {"alice@Partner.Example", "mail.partner.example", "192.0.2.10"});
	CHECK(good.sender_domain == "partner.example");
	CHECK_MESSAGE(good.spf == spf_result::pass, good.spf_reason);
	CHECK(good.dnssec == dnssec_state::secure);
	auto pass = check->decide(good, "me.example");
	CHECK_MESSAGE(pass.outcome == result::pass, pass.reason);

	auto forged = check->check_sender({"<alice@partner.example>", "evil", "192.0.2.99"});
	CHECK(forged.spf == spf_result::fail);
	auto fail = check->decide(forged, "me.example");
	CHECK(fail.outcome == result::fail);
	CHECK(fail.reason.find("SPF fail for partner.example") != std::string::npos);

	// The null sender is checked by its HELO name.
	auto bounce = check->check_sender({"", "partner.example", "192.0.2.10"});
	CHECK(bounce.sender_domain == "partner.example");
	CHECK(bounce.spf == spf_result::pass);
}

TEST_CASE_FIXTURE(checker_fixture, "declarations present but SPF fail is a fail")
{
	auto d = decide(spf("spffail.example", spf_result::fail), "me.example");
	CHECK(d.outcome == result::fail);
	CHECK(d.reason.find("SPF fail") != std::string::npos);
}

TEST_CASE_FIXTURE(checker_fixture, "auth=none passes and is reported weak")
{
	auto d = decide(spf("weak.example", spf_result::none), "me.example");
	CHECK(d.outcome == result::pass);
	CHECK(d.weak_auth);
	CHECK(d.reason.find("weak") != std::string::npos);
}

TEST_CASE_FIXTURE(checker_fixture, "an unsigned partner passes as insecure, unless refused")
{
	auto allowed = decide(spf("plain.example"), "me.example");
	CHECK(allowed.outcome == result::pass);
	CHECK(allowed.insecure);
	CHECK(allowed.dnssec == dnssec_state::insecure);

	options.allow_insecure = false;
	CHECK(decide(spf("plain.example"), "me.example").outcome == result::fail);
}
