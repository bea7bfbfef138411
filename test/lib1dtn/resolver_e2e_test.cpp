// The libunbound resolver against NSD: DNSSEC states, statuses, record
// forms and the per-query deadline.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "1dtn/resolver.hpp"
#include "dns_lab.hpp"

using namespace dtn;
using namespace std::chrono_literals;

namespace {

// One NSD lab for the file (stopped at exit); each test case gets a
// fresh resolver, and with it an empty cache.
lab::dns_lab &shared_dns()
{
	static lab::dns_lab dns;
	static bool const started = [] {
		dns.add_zone("secure.example", {"@ TXT \"v=spf1 -all\"",
		                                "_1dtn TXT \"v=1dtn1; \" \"trust=a.example\"",
		                                "@ MX 10 Mail.Secure.example.", "mail A 192.0.2.25",
		                                "mail AAAA 2001:db8::25", "alias CNAME mail"});
		dns.add_zone("plain.example", {"_1dtn TXT \"v=1dtn1\""},
		             lab::zone_security::unsigned_zone);
		dns.add_zone("broken.example", {"_1dtn TXT \"v=1dtn1\""},
		             lab::zone_security::broken_signature);
		dns.add_dead_zone("slow.example");
		dns.start();
		return true;
	}();
	(void)started;
	return dns;
}

struct resolver_lab {
	std::shared_ptr<unbound_resolver> resolver;

	resolver_lab()
	{
		auto created = unbound_resolver::create(shared_dns().resolver_options(1500ms));
		REQUIRE_MESSAGE(created, created.error());
		resolver = *created;
	}
};

} // namespace

TEST_CASE("answers carry their DNSSEC state and status")
{
	resolver_lab lab;
	auto &r = *lab.resolver;

	auto txt = r.query("_1dtn.secure.example", rr_type::txt);
	CHECK(txt.status == dns_status::ok);
	CHECK(txt.dnssec == dnssec_state::secure);
	REQUIRE(txt.records.size() == 1);
	CHECK(txt.records[0] == "v=1dtn1; trust=a.example");
	CHECK(txt.ttl > 0);
	CHECK(txt.ttl <= 300);

	auto plain = r.query("_1dtn.plain.example.", rr_type::txt);
	CHECK_MESSAGE(plain.status == dns_status::ok, plain.why_bogus);
	CHECK(plain.dnssec == dnssec_state::insecure);

	auto bogus = r.query("_1dtn.broken.example", rr_type::txt);
	CHECK(bogus.status == dns_status::bogus);
	CHECK(bogus.dnssec == dnssec_state::bogus);
	CHECK(bogus.records.empty());
	CHECK_FALSE(bogus.why_bogus.empty());

	auto missing = r.query("_1dtn.nothing.secure.example", rr_type::txt);
	CHECK(missing.status == dns_status::nxdomain);
	CHECK(missing.dnssec == dnssec_state::secure);

	auto nodata = r.query("mail.secure.example", rr_type::txt);
	CHECK(nodata.status == dns_status::nodata);
	CHECK(nodata.dnssec == dnssec_state::secure);
}

TEST_CASE("record forms: addresses, exchanges and names")
{
	resolver_lab lab;
	auto &r = *lab.resolver;
	CHECK(r.query("mail.secure.example", rr_type::a).records ==
	      std::vector<std::string>{"192.0.2.25"});
	CHECK(r.query("mail.secure.example", rr_type::aaaa).records ==
	      std::vector<std::string>{"2001:db8::25"});
	CHECK(r.query("secure.example", rr_type::mx).records ==
	      std::vector<std::string>{"mail.secure.example"});
	auto followed = r.query("alias.secure.example", rr_type::a);
	CHECK(followed.records == std::vector<std::string>{"192.0.2.25"});
}

TEST_CASE("a server that never answers ends in timeout within the configured time")
{
	resolver_lab lab;
	auto start = std::chrono::steady_clock::now();
	auto answer = lab.resolver->query("_1dtn.slow.example", rr_type::txt);
	auto took = std::chrono::steady_clock::now() - start;
	CHECK(answer.status == dns_status::timeout);
	CHECK(answer.dnssec == dnssec_state::indeterminate);
	CHECK(took >= 1400ms);
	CHECK(took < 2500ms);
}

TEST_CASE("queries from several threads each get their own answer")
{
	resolver_lab lab;
	std::vector<std::thread> threads;
	std::atomic<int> right{0};
	for (int i = 0; i < 8; ++i)
		threads.emplace_back([&, i] {
			auto name = i % 2 ? "_1dtn.plain.example" : "_1dtn.secure.example";
			auto answer = lab.resolver->query(name, rr_type::txt);
			auto want = i % 2 ? dnssec_state::insecure : dnssec_state::secure;
			if (answer.status == dns_status::ok && answer.dnssec == want)
				++right;
		});
	for (auto &t : threads)
		t.join();
	CHECK(right == 8);
}

TEST_CASE("a missing trust anchor file is reported at creation")
{
	resolver_options options;
	options.trust_anchor_file = "/nonexistent/root.key";
	auto created = unbound_resolver::create(options);
	REQUIRE_FALSE(created);
	CHECK(created.error().find("/nonexistent/root.key") != std::string::npos);
}
