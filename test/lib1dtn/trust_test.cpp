// decide() on an in-memory DNS: the combination rule, includes, the
// organizational-domain fallback, authentication methods and the cache.
#include <doctest/doctest.h>

#include <thread>

#include "1dtn/declaration.hpp"
#include "1dtn/trust.hpp"
#include "fake_dns.hpp"

using namespace dtn;

namespace {

sender_check spf(std::string domain, spf_result result = spf_result::pass)
{
	sender_check check;
	check.sender_domain = std::move(domain);
	check.spf = result;
	check.spf_reason = "test";
	check.dnssec = dnssec_state::secure;
	return check;
}

struct fixture {
	std::shared_ptr<fake_dns> dns = std::make_shared<fake_dns>();
	trust_options options;

	fixture()
	{
		dns->txt("_1dtn.me.example",
		         {"v=1dtn1; trust=partner.example, *.supplier.example"});
		dns->txt("_1dtn.partner.example", {"v=spf1 -all", "v=1dtn1; trust=me.example"});
	}

	decision decide(sender_check const &sender, std::string_view recipient,
	                std::optional<dkim_check> dkim = std::nullopt)
	{
		trust_checker checker(dns, options);
		return checker.decide(sender, recipient, dkim);
	}
};

} // namespace

TEST_CASE_FIXTURE(fixture, "mutual declarations and SPF pass give pass")
{
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::pass);
	CHECK(d.dnssec == dnssec_state::secure);
	CHECK_FALSE(d.insecure);
	CHECK_FALSE(d.weak_auth);
	CHECK(d.reason.find("trust each other") != std::string::npos);
	CHECK(d.steps.size() == 2);
}

TEST_CASE_FIXTURE(fixture, "a one-sided declaration fails, naming who does not trust whom")
{
	dns->txt("_1dtn.other.example", {"v=1dtn1; trust=me.example"});
	auto d = decide(spf("other.example"), "me.example");
	CHECK(d.outcome == result::fail);
	CHECK(d.reason == "me.example does not trust other.example");
}

TEST_CASE_FIXTURE(fixture, "no record, NXDOMAIN and other TXT data all mean no declaration")
{
	auto d = decide(spf("evil.example"), "me.example");
	CHECK(d.outcome == result::fail);
	CHECK(d.reason == "evil.example publishes no 1DTN declaration");

	dns->txt("_1dtn.spf-only.example", {"v=spf1 -all", "v=1dtn10; trust=me.example"});
	CHECK(decide(spf("spf-only.example"), "me.example").outcome == result::fail);
}

TEST_CASE_FIXTURE(fixture, "wildcards match subdomains, never the bare domain")
{
	dns->txt("_1dtn.a.supplier.example", {"v=1dtn1; trust=me.example"});
	dns->txt("_1dtn.supplier.example", {"v=1dtn1; trust=me.example"});
	CHECK(decide(spf("a.supplier.example"), "me.example").outcome == result::pass);
	auto bare = decide(spf("supplier.example"), "me.example");
	CHECK(bare.outcome == result::fail);
	CHECK(bare.reason == "me.example does not trust supplier.example");
}

TEST_CASE_FIXTURE(fixture, "the organizational domain is tried once, and patterns match the "
                           "name as it appears")
{
	dns->txt("_1dtn.me.example", {"v=1dtn1; trust=mail.partner.example"});
	auto d = decide(spf("mail.partner.example"), "me.example");
	CHECK(d.outcome == result::pass);
	REQUIRE(d.steps.size() == 3);
	CHECK(d.steps[0].name == "_1dtn.mail.partner.example");
	CHECK(d.steps[1].name == "_1dtn.partner.example");

	// partner.example trusts me.example, but me.example trusts only the
	// subdomain: the organizational domain is never matched instead.
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::fail);
}

TEST_CASE_FIXTURE(fixture, "includes merge trust lists depth-first")
{
	dns->txt("_1dtn.me.example", {"v=1dtn1; include=list1.example"});
	dns->txt("_1dtn.list1.example", {"v=1dtn1; trust=x.example; include=list2.example"});
	dns->txt("_1dtn.list2.example", {"v=1dtn1; trust=partner.example; auth=none"});
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::pass);
	CHECK(d.steps.size() == 4);
}

TEST_CASE_FIXTURE(fixture, "ten lookups are allowed, the eleventh is a permerror")
{
	// me.example plus 9 includes: 10 lookups.
	dns->txt("_1dtn.me.example", {"v=1dtn1; include=l1.example"});
	for (int i = 1; i < 9; ++i)
		dns->txt("_1dtn.l" + std::to_string(i) + ".example",
		         {"v=1dtn1; include=l" + std::to_string(i + 1) + ".example"});
	dns->txt("_1dtn.l9.example", {"v=1dtn1; trust=partner.example"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::pass);

	dns->txt("_1dtn.l9.example", {"v=1dtn1; include=l10.example"});
	dns->txt("_1dtn.l10.example", {"v=1dtn1; trust=partner.example"});
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::permerror);
	CHECK(d.reason.find("include limit") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "a loop is an error; a diamond is not")
{
	dns->txt("_1dtn.me.example", {"v=1dtn1; include=a.example, b.example"});
	dns->txt("_1dtn.a.example", {"v=1dtn1; include=c.example"});
	dns->txt("_1dtn.b.example", {"v=1dtn1; include=c.example"});
	dns->txt("_1dtn.c.example", {"v=1dtn1; trust=partner.example"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::pass);

	dns->txt("_1dtn.c.example", {"v=1dtn1; trust=partner.example; include=a.example"});
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::permerror);
	CHECK(d.reason.find("loop") != std::string::npos);
	CHECK(d.reason.find("a.example -> c.example -> a.example") != std::string::npos);

	dns->txt("_1dtn.me.example", {"v=1dtn1; include=me.example"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::permerror);
}

TEST_CASE_FIXTURE(fixture, "an include without a record is a permerror, without fallback")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example; include=sub.list.example"});
	dns->txt("_1dtn.list.example", {"v=1dtn1; trust=me.example"});
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::permerror);
	CHECK(d.reason.find("included sub.list.example has no 1DTN record") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "malformed and duplicated records are permerrors")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example; trust=x.example"});
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::permerror);
	CHECK(d.reason.find("'trust'") != std::string::npos);

	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example", "v=1dtn1"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::permerror);
}

TEST_CASE_FIXTURE(fixture, "a definite fail wins over permerror and temperror")
{
	dns->fail("_1dtn.me.example", dns_status::timeout);
	auto temp = decide(spf("partner.example"), "me.example");
	CHECK(temp.outcome == result::temperror);
	CHECK(temp.reason.find("timed out") != std::string::npos);

	CHECK(decide(spf("evil.example"), "me.example").outcome == result::fail);

	dns->txt("_1dtn.bad.example", {"v=1dtn1; auth=maybe"});
	CHECK(decide(spf("bad.example"), "me.example").outcome == result::permerror);
	// partner.example does not trust bad.example: definite, wins over
	// bad.example's malformed record.
	CHECK(decide(spf("partner.example"), "bad.example").outcome == result::fail);
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=bad.example"});
	CHECK(decide(spf("partner.example"), "bad.example").outcome == result::permerror);

	// Permanent beats temporary.
	dns->fail("_1dtn.partner.example", dns_status::timeout);
	dns->txt("_1dtn.me.example", {"v=1dtn1; trust=me..example"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::permerror);
}

TEST_CASE_FIXTURE(fixture, "bogus and SERVFAIL answers are temperrors")
{
	dns->fail("_1dtn.partner.example", dns_status::bogus);
	auto d = decide(spf("partner.example"), "me.example");
	CHECK(d.outcome == result::temperror);
	CHECK(d.dnssec == dnssec_state::bogus);
	CHECK(d.reason.find("bogus") != std::string::npos);

	dns->fail("_1dtn.partner.example", dns_status::servfail);
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::temperror);
}

TEST_CASE_FIXTURE(fixture, "SPF decides authenticity for auth=spf")
{
	auto failed = decide(spf("partner.example", spf_result::fail), "me.example");
	CHECK(failed.outcome == result::fail);
	CHECK(failed.reason.find("SPF fail for partner.example") != std::string::npos);
	CHECK(decide(spf("partner.example", spf_result::softfail), "me.example").outcome ==
	      result::fail);
	CHECK(decide(spf("partner.example", spf_result::permerror), "me.example").outcome ==
	      result::fail);
	CHECK(decide(spf("partner.example", spf_result::none), "me.example").outcome ==
	      result::fail);
	CHECK(decide(spf("partner.example", spf_result::temperror), "me.example").outcome ==
	      result::temperror);
}

TEST_CASE_FIXTURE(fixture, "auth=none passes without SPF and is reported weak")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example; auth=none"});
	auto d = decide(spf("partner.example", spf_result::fail), "me.example");
	CHECK(d.outcome == result::pass);
	CHECK(d.weak_auth);
	CHECK(d.reason.find("weak") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "auth=dkim waits for the end of data")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example; auth=dkim"});
	auto early = decide(spf("partner.example", spf_result::fail), "me.example");
	CHECK(early.needs_dkim);
	CHECK(early.outcome == result::temperror);

	CHECK(decide(spf("partner.example"), "me.example", dkim_check{true, false, "d=ok"})
	              .outcome == result::pass);
	CHECK(decide(spf("partner.example"), "me.example", dkim_check{false, false, "bad sig"})
	              .outcome == result::fail);
	CHECK(decide(spf("partner.example"), "me.example", dkim_check{false, true, "no key"})
	              .outcome == result::temperror);

	// A definite failure is known at RCPT time: no need to wait for DKIM.
	auto early_fail = decide(spf("partner.example"), "stranger.example");
	CHECK(early_fail.outcome == result::fail);
	CHECK_FALSE(early_fail.needs_dkim);
}

TEST_CASE_FIXTURE(fixture, "auth=spf,dkim accepts either")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example; auth=spf,dkim"});
	CHECK(decide(spf("partner.example"), "me.example").outcome == result::pass);
	CHECK(decide(spf("partner.example", spf_result::fail), "me.example").needs_dkim);
	CHECK(decide(spf("partner.example", spf_result::fail), "me.example",
	             dkim_check{true, false, ""})
	              .outcome == result::pass);
	CHECK(decide(spf("partner.example", spf_result::fail), "me.example",
	             dkim_check{false, false, ""})
	              .outcome == result::fail);
	CHECK(decide(spf("partner.example", spf_result::temperror), "me.example",
	             dkim_check{false, false, ""})
	              .outcome == result::temperror);
}

TEST_CASE_FIXTURE(fixture, "insecure answers pass by default and are refused by policy")
{
	dns->txt("_1dtn.partner.example", {"v=1dtn1; trust=me.example"}, 300,
	         dnssec_state::insecure);
	auto allowed = decide(spf("partner.example"), "me.example");
	CHECK(allowed.outcome == result::pass);
	CHECK(allowed.insecure);
	CHECK(allowed.dnssec == dnssec_state::insecure);

	options.allow_insecure = false;
	auto refused = decide(spf("partner.example"), "me.example");
	CHECK(refused.outcome == result::fail);
	CHECK(refused.reason.find("insecure") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "names are compared as A-labels, case-insensitively")
{
	dns->txt("_1dtn.xn--bcher-kva.example", {"v=1dtn1; trust=ME.example"});
	dns->txt("_1dtn.me.example", {"v=1dtn1; trust=bücher.example"});
	CHECK(decide(spf("BÜCHER.example"), "Me.Example.").outcome == result::pass);
	CHECK(decide(spf("bad..example"), "me.example").outcome == result::permerror);
	CHECK(decide(spf("partner.example"), "").outcome == result::permerror);
}

TEST_CASE_FIXTURE(fixture, "declarations are cached for their TTL, temporary errors are not")
{
	trust_checker checker(dns, options);
	CHECK(checker.decide(spf("partner.example"), "me.example").steps.size() == 2);
	for (int i = 0; i < 5; ++i) {
		auto cached = checker.decide(spf("partner.example"), "me.example");
		CHECK(cached.outcome == result::pass);
		CHECK(cached.steps.empty()); // no lookup made by this call
	}
	CHECK(dns->queries == 2);

	dns->txt("_1dtn.short.example", {"v=1dtn1; trust=me.example"}, 1);
	dns->txt("_1dtn.me.example", {"v=1dtn1; trust=short.example"}, 300);
	trust_checker expiring(dns, options);
	expiring.decide(spf("short.example"), "me.example");
	int before = dns->queries;
	expiring.decide(spf("short.example"), "me.example");
	CHECK(dns->queries == before);
	std::this_thread::sleep_for(std::chrono::milliseconds(1100));
	expiring.decide(spf("short.example"), "me.example");
	CHECK(dns->queries == before + 1);

	dns->fail("_1dtn.down.example", dns_status::servfail);
	before = dns->queries;
	checker.decide(spf("down.example"), "me.example");
	checker.decide(spf("down.example"), "me.example");
	CHECK(dns->queries == before + 2);
}

TEST_CASE_FIXTURE(fixture, "negative answers are cached too")
{
	trust_checker checker(dns, options);
	checker.decide(spf("evil.example"), "me.example");
	int before = dns->queries;
	checker.decide(spf("evil.example"), "me.example");
	CHECK(dns->queries == before);
}

TEST_CASE_FIXTURE(fixture, "the cache is bounded and drops the least recently used")
{
	options.cache_entries = 2;
	trust_checker checker(dns, options);
	checker.decide(spf("partner.example"), "me.example"); // caches partner, me
	checker.decide(spf("partner.example"), "me.example");
	CHECK(dns->queries == 2);
	checker.decide(spf("evil.example"), "me.example"); // evil (+org? no) evicts partner
	int before = dns->queries;
	checker.decide(spf("evil.example"), "me.example");
	CHECK(dns->queries == before);
	checker.decide(spf("partner.example"), "me.example");
	CHECK(dns->queries == before + 1);
}

TEST_CASE_FIXTURE(fixture, "concurrent identical lookups share one query")
{
	dns->delay = std::chrono::milliseconds(200);
	trust_checker checker(dns, options);
	std::vector<std::thread> threads;
	std::atomic<int> passes{0};
	for (int i = 0; i < 8; ++i)
		threads.emplace_back([&] {
			if (checker.decide(spf("partner.example"), "me.example").outcome ==
			    result::pass)
				++passes;
		});
	for (auto &t : threads)
		t.join();
	CHECK(passes == 8);
	CHECK(dns->queries == 2);
}
