// Decisions per second and latency percentiles of trust_checker::decide:
// cached (both declarations in the decision cache) and cold (a sender
// never seen, looked up through libunbound against the local NSD lab).
//
//	bench_decision [cold-count] [cached-count]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "1dtn/resolver.hpp"
#include "1dtn/trust.hpp"
#include "dns_lab.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct figures {
	double per_second = 0;
	double p50_ns = 0;
	double p99_ns = 0;
};

figures summarise(std::vector<double> samples_ns, double total_seconds)
{
	std::sort(samples_ns.begin(), samples_ns.end());
	figures f;
	f.per_second = static_cast<double>(samples_ns.size()) / total_seconds;
	f.p50_ns = samples_ns[samples_ns.size() / 2];
	f.p99_ns = samples_ns[samples_ns.size() * 99 / 100];
	return f;
}

dtn::sender_check sender(std::string domain)
{
	dtn::sender_check check;
	check.sender_domain = std::move(domain);
	check.spf = dtn::spf_result::pass;
	check.dnssec = dtn::dnssec_state::secure;
	return check;
}

std::string sender_name(int i)
{
	return "s" + std::to_string(i) + ".bench.example";
}

} // namespace

int main(int argc, char **argv)
{
	int cold_count = argc > 1 ? std::atoi(argv[1]) : 2000;
	long cached_count = argc > 2 ? std::atol(argv[2]) : 2000000;

	lab::dns_lab dns;
	dns.add_zone("me.example", {lab::txt_record("_1dtn", "v=1dtn1; trust=*.bench.example")});
	std::vector<std::string> senders;
	for (int i = 0; i < cold_count; ++i)
		senders.push_back(lab::txt_record("_1dtn.s" + std::to_string(i),
		                                  "v=1dtn1; trust=me.example"));
	dns.add_zone("bench.example", senders);
	dns.start();

	auto resolver = dtn::unbound_resolver::create(dns.resolver_options());
	if (!resolver) {
		std::fprintf(stderr, "bench_decision: %s\n", resolver.error().c_str());
		return 1;
	}
	dtn::trust_checker checker(*resolver, dtn::trust_options{});

	// Warm the resolver's DNSKEY/DS chain and me.example, as a running
	// milter would have them.
	if (checker.decide(sender("warm.bench.example"), "me.example").outcome !=
	    dtn::result::fail) {
		std::fprintf(stderr, "bench_decision: unexpected warm-up result\n");
		return 1;
	}

	std::vector<double> samples;
	auto start = clock_type::now();
	int passes = 0;
	for (int i = 0; i < cold_count; ++i) {
		auto t0 = clock_type::now();
		auto d = checker.decide(sender(sender_name(i)), "me.example");
		auto t1 = clock_type::now();
		passes += d.outcome == dtn::result::pass;
		samples.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
	}
	double cold_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
	if (passes != cold_count) {
		std::fprintf(stderr, "bench_decision: %d of %d cold decisions passed\n", passes,
		             cold_count);
		return 1;
	}
	auto cold = summarise(samples, cold_seconds);

	// Cached: the same senders again, round robin over the cache.
	std::vector<dtn::sender_check> checks;
	for (int i = 0; i < std::min(cold_count, 1000); ++i)
		checks.push_back(sender(sender_name(i)));
	samples.clear();
	samples.reserve(static_cast<std::size_t>(cached_count));
	start = clock_type::now();
	for (long i = 0; i < cached_count; ++i) {
		auto t0 = clock_type::now();
		auto d = checker.decide(checks[static_cast<std::size_t>(i) % checks.size()],
		                        "me.example");
		auto t1 = clock_type::now();
		passes += d.outcome == dtn::result::pass;
		samples.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
	}
	double cached_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
	auto cached = summarise(samples, cached_seconds);

	// Throughput without the per-call clock reads, on one thread and on two.
	auto run_batch = [&](long count) {
		int ok = 0;
		for (long i = 0; i < count; ++i)
			ok += checker.decide(checks[static_cast<std::size_t>(i) % checks.size()],
			                     "me.example")
			              .outcome == dtn::result::pass;
		return ok;
	};
	start = clock_type::now();
	run_batch(cached_count);
	double batch_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
	start = clock_type::now();
	std::thread other([&] { run_batch(cached_count); });
	run_batch(cached_count);
	other.join();
	double pair_seconds = std::chrono::duration<double>(clock_type::now() - start).count();

	std::printf("cold   decisions: %8d  %10.0f/s  p50 %9.1f us  p99 %9.1f us\n", cold_count,
	            cold.per_second, cold.p50_ns / 1000, cold.p99_ns / 1000);
	std::printf("cached decisions: %8ld  %10.0f/s  p50 %9.1f ns  p99 %9.1f ns\n", cached_count,
	            cached.per_second, cached.p50_ns, cached.p99_ns);
	std::printf("cached, untimed:  %10.0f/s on 1 thread, %10.0f/s on 2 threads\n",
	            static_cast<double>(cached_count) / batch_seconds,
	            2.0 * static_cast<double>(cached_count) / pair_seconds);
	return 0;
}
