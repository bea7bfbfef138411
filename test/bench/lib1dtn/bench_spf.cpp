// SPF evaluations per second on in-memory zones: the cost of spf_check()
// itself (parsing, macros, limits) without any network. Each scenario
// runs several rounds; the median rate is printed.
//
//   bench_spf [seconds-per-round]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "1dtn/spf.hpp"
#include "spf_zone.hpp"

namespace {

using dtn::rr_type;
using clock_type = std::chrono::steady_clock;

struct scenario {
	char const *name;
	dtn::spf_request request;
	dtn::spf_result expected;
};

void build_zone(lab::spf_zone &zone)
{
	zone.add("simple.example", rr_type::txt, "v=spf1 ip4:192.0.2.0/24 -all");

	// A large provider's shape: includes two levels deep, the match last.
	zone.add("corp.example", rr_type::txt,
	         "v=spf1 mx include:_spf.mailer.example include:_spf.crm.example ~all");
	zone.add("corp.example", rr_type::mx, "mx1.corp.example");
	zone.add("corp.example", rr_type::mx, "mx2.corp.example");
	zone.add("mx1.corp.example", rr_type::a, "198.51.100.1");
	zone.add("mx2.corp.example", rr_type::a, "198.51.100.2");
	zone.add("_spf.mailer.example", rr_type::txt,
	         "v=spf1 include:_net1.mailer.example include:_net2.mailer.example ~all");
	zone.add("_net1.mailer.example", rr_type::txt,
	         "v=spf1 ip4:203.0.113.0/26 ip4:203.0.113.64/26 ip6:2001:db8:1::/48 ~all");
	zone.add("_net2.mailer.example", rr_type::txt,
	         "v=spf1 ip4:203.0.113.128/26 ip6:2001:db8:2::/48 ~all");
	zone.add("_spf.crm.example", rr_type::txt, "v=spf1 a:out.crm.example -all");
	zone.add("out.crm.example", rr_type::a, "192.0.2.200");

	// Per-user policy through macros.
	zone.add("macro.example", rr_type::txt,
	         "v=spf1 exists:%{ir}.%{l1r-}.lp._spf.%{d2} -all exp=why.%{d}");
	zone.add("5.2.0.192.strong.lp._spf.macro.example", rr_type::a, "127.0.0.2");
	zone.add("why.macro.example", rr_type::txt, "%{i} may not send mail for %{o}");
}

dtn::spf_request make_request(char const *ip, char const *sender)
{
	dtn::spf_request req;
	req.client_ip = ip;
	req.sender = sender;
	req.domain = req.sender.substr(req.sender.rfind('@') + 1);
	req.helo = "mail.sender.example";
	return req;
}

double rate(lab::spf_zone &zone, scenario const &s, double seconds)
{
	long done = 0;
	auto start = clock_type::now();
	auto deadline = start + std::chrono::duration<double>(seconds);
	while (clock_type::now() < deadline) {
		for (int i = 0; i < 100; i++) {
			if (dtn::spf_check(zone, s.request).result != s.expected) {
				std::fprintf(stderr, "%s: unexpected result\n", s.name);
				std::exit(1);
			}
		}
		done += 100;
	}
	std::chrono::duration<double> took = clock_type::now() - start;
	return static_cast<double>(done) / took.count();
}

} // namespace

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? std::atof(argv[1]) : 0.5;
	lab::spf_zone zone;
	build_zone(zone);
	std::vector<scenario> scenarios = {
	        {"ip4 match, one record", make_request("192.0.2.5", "a@simple.example"),
	         dtn::spf_result::pass},
	        {"mx + nested includes", make_request("192.0.2.200", "a@corp.example"),
	         dtn::spf_result::pass},
	        {"macros in exists", make_request("192.0.2.5", "strong-bad@macro.example"),
	         dtn::spf_result::pass},
	        {"fail with exp= text", make_request("192.0.2.6", "strong-bad@macro.example"),
	         dtn::spf_result::fail},
	};
	std::printf("%-28s %9s %14s %10s\n", "scenario", "queries", "evaluations/s", "us/eval");
	for (auto const &s : scenarios) {
		auto before = zone.queries();
		dtn::spf_check(zone, s.request);
		auto queries = zone.queries() - before;
		std::vector<double> rounds;
		rounds.reserve(5);
		for (int round = 0; round < 5; round++)
			rounds.push_back(rate(zone, s, seconds));
		std::sort(rounds.begin(), rounds.end());
		double median = rounds[rounds.size() / 2];
		std::printf("%-28s %9zu %14.0f %10.2f\n", s.name, queries, median, 1e6 / median);
	}
	return 0;
}
