// spf_check() beyond the RFC 7208 suite: the DNSSEC state of the answers
// used, bogus answers, the reasons given, hostile callers and sources.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "1dtn/spf.hpp"
#include "spf_zone.hpp"

using dtn::dnssec_state;
using dtn::rr_type;
using dtn::spf_result;

namespace {

dtn::spf_request request(std::string ip, std::string sender)
{
	dtn::spf_request req;
	req.client_ip = std::move(ip);
	req.sender = std::move(sender);
	req.domain = req.sender.substr(req.sender.rfind('@') + 1);
	req.helo = "mail.sender.example";
	return req;
}

bool contains(std::string const &text, std::string const &part)
{
	return text.find(part) != std::string::npos;
}

class throwing_source : public dtn::dns_source {
      public:
	dtn::dns_answer query(std::string_view, rr_type) override
	{
		throw std::runtime_error("resolver exploded");
	}
};

} // namespace

TEST_CASE("a pass on secure answers is secure and says which mechanism matched")
{
	lab::spf_zone zone;
	zone.set_dnssec(dnssec_state::secure);
	zone.add("sender.example", rr_type::txt, "v=spf1 ip4:192.0.2.0/24 -all");
	auto out = dtn::spf_check(zone, request("192.0.2.7", "alice@sender.example"));
	CHECK(out.result == spf_result::pass);
	CHECK(out.reason == "matched ip4:192.0.2.0/24");
	CHECK(out.dnssec == dnssec_state::secure);
	CHECK(out.explanation.empty());
}

TEST_CASE("one insecure answer on the way makes the outcome insecure")
{
	lab::spf_zone zone;
	zone.set_dnssec(dnssec_state::secure);
	zone.add("sender.example", rr_type::txt, "v=spf1 include:_spf.provider.example -all");
	zone.add("_spf.provider.example", rr_type::txt, "v=spf1 a:out.provider.example");
	zone.add("out.provider.example", rr_type::a, "198.51.100.5");
	zone.set_dnssec("out.provider.example", dnssec_state::insecure);
	auto out = dtn::spf_check(zone, request("198.51.100.5", "bob@sender.example"));
	CHECK(out.result == spf_result::pass);
	CHECK(contains(out.reason, "include:_spf.provider.example"));
	CHECK(contains(out.reason, "a:out.provider.example"));
	CHECK(out.dnssec == dnssec_state::insecure);
}

TEST_CASE("a bogus answer is never used: temperror")
{
	lab::spf_zone zone;
	zone.add("sender.example", rr_type::txt, "v=spf1 a:mail.sender.example -all");
	zone.add("mail.sender.example", rr_type::a, "192.0.2.1");
	zone.set_dnssec("mail.sender.example", dnssec_state::bogus);
	auto out = dtn::spf_check(zone, request("192.0.2.1", "carol@sender.example"));
	CHECK(out.result == spf_result::temperror);
	CHECK(contains(out.reason, "bogus"));
	CHECK(out.dnssec == dnssec_state::bogus);

	zone.set_dnssec("sender.example", dnssec_state::bogus);
	out = dtn::spf_check(zone, request("192.0.2.1", "carol@sender.example"));
	CHECK(out.result == spf_result::temperror);
}

TEST_CASE("reasons name what decided")
{
	lab::spf_zone zone;
	zone.add("none.example", rr_type::a, "192.0.2.1");
	auto out = dtn::spf_check(zone, request("192.0.2.1", "x@none.example"));
	CHECK(out.result == spf_result::none);
	CHECK(out.reason == "no SPF record at none.example");

	zone.add("loop.example", rr_type::txt, "v=spf1 include:loop.example");
	out = dtn::spf_check(zone, request("192.0.2.1", "x@loop.example"));
	CHECK(out.result == spf_result::permerror);
	CHECK(contains(out.reason, "exceeded the limit of 10 DNS lookups"));

	zone.add("bad.example", rr_type::txt, "v=spf1 ip4:192.0.2.300 -all");
	out = dtn::spf_check(zone, request("192.0.2.1", "x@bad.example"));
	CHECK(out.result == spf_result::permerror);
	CHECK(contains(out.reason, "ip4:192.0.2.300"));

	zone.add("void.example", rr_type::txt,
	         "v=spf1 a:n1.void.example a:n2.void.example "
	         "a:n3.void.example -all");
	out = dtn::spf_check(zone, request("192.0.2.1", "x@void.example"));
	CHECK(out.result == spf_result::permerror);
	CHECK(contains(out.reason, "void lookups"));

	zone.add("quiet.example", rr_type::txt, "v=spf1 ip4:203.0.113.1");
	out = dtn::spf_check(zone, request("192.0.2.1", "x@quiet.example"));
	CHECK(out.result == spf_result::neutral);
	CHECK(out.reason == "no mechanism matched at quiet.example");
}

TEST_CASE("fail carries the expanded exp= text")
{
	lab::spf_zone zone;
	zone.add("sender.example", rr_type::txt, "v=spf1 -all exp=why.sender.example");
	zone.add("why.sender.example", rr_type::txt, "%{i} may not send for %{d} (%{l})");
	auto out = dtn::spf_check(zone, request("192.0.2.9", "dave@sender.example"));
	CHECK(out.result == spf_result::fail);
	CHECK(out.explanation == "192.0.2.9 may not send for sender.example (dave)");
}

TEST_CASE("the null sender is checked as postmaster@HELO")
{
	lab::spf_zone zone;
	zone.add("mail.sender.example", rr_type::txt, "v=spf1 exists:%{l}.%{o}.ok.example -all");
	zone.add("postmaster.mail.sender.example.ok.example", rr_type::a, "127.0.0.2");
	auto req = request("192.0.2.1", "postmaster@mail.sender.example");
	CHECK(dtn::spf_check(zone, req).result == spf_result::pass);
}

TEST_CASE("DNS failures give temperror, PTR failures only no match")
{
	lab::spf_zone zone;
	zone.add("sender.example", rr_type::txt, "v=spf1 mx -all");
	zone.add_timeout("sender.example");
	auto out = dtn::spf_check(zone, request("192.0.2.1", "x@sender.example"));
	CHECK(out.result == spf_result::temperror);
	CHECK(contains(out.reason, "timeout"));
	CHECK(contains(out.reason, "MX sender.example"));

	zone.add("ptr.example", rr_type::txt, "v=spf1 ptr ?all");
	zone.add_timeout("1.2.0.192.in-addr.arpa");
	CHECK(dtn::spf_check(zone, request("192.0.2.1", "x@ptr.example")).result ==
	      spf_result::neutral);
}

TEST_CASE("bad input and a throwing resolver never escape spf_check")
{
	lab::spf_zone zone;
	zone.add("sender.example", rr_type::txt, "v=spf1 +all");
	auto out = dtn::spf_check(zone, request("not-an-ip", "x@sender.example"));
	CHECK(out.result == spf_result::temperror);
	CHECK(contains(out.reason, "not-an-ip"));

	CHECK(dtn::spf_check(zone, request("192.0.2.1", "x@localhost")).result == spf_result::none);
	CHECK(dtn::spf_check(zone, request("192.0.2.1", "x@[192.0.2.1]")).result ==
	      spf_result::none);
	CHECK(dtn::spf_check(zone, request("192.0.2.1", "")).result == spf_result::none);

	throwing_source broken;
	out = dtn::spf_check(broken, request("192.0.2.1", "x@sender.example"));
	CHECK(out.result == spf_result::temperror);
	CHECK(contains(out.reason, "resolver exploded"));
}

TEST_CASE("repeated ptr terms do not repeat the reverse lookups")
{
	lab::spf_zone zone;
	zone.add("ptr.example", rr_type::txt,
	         "v=spf1 ptr ptr ptr ptr ptr ptr ptr ptr ptr exists:%{p}.ok.example -all");
	for (int i = 0; i < 12; i++) {
		auto name = "h" + std::to_string(i) + ".ptr.example";
		zone.add("9.2.0.192.in-addr.arpa", rr_type::ptr, name);
		zone.add_timeout(name); // validation lookups that never answer
	}
	auto before = zone.queries();
	auto out = dtn::spf_check(zone, request("192.0.2.9", "x@ptr.example"));
	CHECK(out.result == spf_result::fail);
	// TXT, one PTR, ten address lookups (the 11th and 12th names are
	// ignored), and the exists: query for "unknown.ok.example".
	CHECK(zone.queries() - before == 13);
}
