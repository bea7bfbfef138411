// Socketmap lookups per second and p99 latency against an in-process
// blackboxd server (the same event loop the daemon runs) over TCP on
// loopback, with 1, 8 and 64 concurrent clients on a 100,000-entry
// table; then the open time and memory of a 1,000,000-entry table.
//
//   bench_socketmap [seconds-per-level]   (default 3)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "blackbox/server.hpp"
#include "blackbox/table_file.hpp"
#include "lab.hpp"
#include "socketmap_client.hpp"

namespace {
namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

std::vector<blackbox::table_entry> make_entries(std::size_t n)
{
	std::vector<blackbox::table_entry> entries;
	entries.reserve(n);
	for (std::size_t i = 0; i < n; ++i)
		entries.push_back({"user" + std::to_string(i) + "@example.test",
		                   "example.test/user" + std::to_string(i) + "/"});
	return entries;
}

long rss_kib()
{
	std::ifstream status("/proc/self/status");
	std::string line;
	while (std::getline(status, line))
		if (line.rfind("VmRSS:", 0) == 0)
			return std::atol(line.c_str() + 6);
	return -1;
}

struct level_result {
	double lookups_per_second;
	double p50_us, p99_us;
	long errors;
};

level_result run_level(int port, int clients, double seconds, std::size_t entries)
{
	std::atomic<bool> go{false}, stop{false};
	std::atomic<long> errors{0};
	std::vector<std::vector<double>> latencies(clients);
	std::vector<std::thread> threads;
	for (int t = 0; t < clients; ++t)
		threads.emplace_back([&, t] {
			lab::socketmap_client c(port);
			std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1);
			std::uniform_int_distribution<std::size_t> pick(0, entries * 10 / 9);
			while (!go)
				std::this_thread::yield();
			while (!stop) {
				std::size_t i = pick(rng); // about 10% miss
				std::string key = "user" + std::to_string(i) + "@example.test";
				auto start = clock_type::now();
				auto reply = c.lookup("vmailbox", key);
				auto end = clock_type::now();
				bool hit = i < entries;
				if (!reply ||
				    (hit ? reply->rfind("OK ", 0) != 0 : *reply != "NOTFOUND ")) {
					++errors;
					if (!reply)
						return;
				}
				latencies[t].push_back(
				        std::chrono::duration<double, std::micro>(end - start)
				                .count());
			}
		});
	go = true;
	std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
	stop = true;
	for (auto &th : threads)
		th.join();
	std::vector<double> all;
	for (auto const &l : latencies)
		all.insert(all.end(), l.begin(), l.end());
	std::sort(all.begin(), all.end());
	level_result r{};
	r.lookups_per_second = static_cast<double>(all.size()) / seconds;
	r.p50_us = all.empty() ? 0 : all[all.size() / 2];
	r.p99_us = all.empty() ? 0 : all[all.size() * 99 / 100];
	r.errors = errors;
	return r;
}

} // namespace

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
	auto key = blackbox::master_key::generate();
	if (!key) {
		std::fprintf(stderr, "%s\n", key.error().c_str());
		return 1;
	}
	lab::temp_dir dir("bbx-bench");
	std::size_t small = 100000;
	if (auto s = blackbox::seal_to_file(make_entries(small), "vmailbox", dir / "vmailbox.bbx",
	                                    *key);
	    !s) {
		std::fprintf(stderr, "%s\n", s.error().c_str());
		return 1;
	}

	int port = lab::free_tcp_port();
	std::string conf = "listen = inet:127.0.0.1:" + std::to_string(port) +
	                   "\nmax_clients = 1000\nmap vmailbox = vmailbox.bbx\n";
	auto config = blackbox::parse_daemon_config(conf, "bench", dir.path());
	blackbox::server server(*config, *key, nullptr);
	if (auto ok = server.load_tables(); !ok) {
		std::fprintf(stderr, "%s\n", ok.error().c_str());
		return 1;
	}
	if (auto ok = server.bind_listeners(); !ok) {
		std::fprintf(stderr, "%s\n", ok.error().c_str());
		return 1;
	}
	std::thread loop([&] { server.run(); });
	lab::wait_for_tcp("127.0.0.1", port, std::chrono::seconds(5));

	std::printf("socketmap over TCP loopback, 100,000-entry table, %.1f s per level\n",
	            seconds);
	std::printf("%8s %14s %10s %10s %7s\n", "clients", "lookups/s", "p50 us", "p99 us",
	            "errors");
	for (int clients : {1, 8, 64}) {
		auto r = run_level(port, clients, seconds, small);
		std::printf("%8d %14.0f %10.1f %10.1f %7ld\n", clients, r.lookups_per_second,
		            r.p50_us, r.p99_us, r.errors);
	}
	server.request_stop();
	loop.join();

	std::size_t big = 1000000;
	auto entries = make_entries(big);
	auto seal_start = clock_type::now();
	if (auto s = blackbox::seal_to_file(entries, "big", dir / "big.bbx", *key); !s) {
		std::fprintf(stderr, "%s\n", s.error().c_str());
		return 1;
	}
	double seal_s = std::chrono::duration<double>(clock_type::now() - seal_start).count();
	entries.clear();
	entries.shrink_to_fit();

	long before = rss_kib();
	auto open_start = clock_type::now();
	auto table = blackbox::sealed_table::open_file(dir / "big.bbx", *key);
	double open_s = std::chrono::duration<double>(clock_type::now() - open_start).count();
	long after = rss_kib();
	if (!table) {
		std::fprintf(stderr, "%s\n", table.error().c_str());
		return 1;
	}
	auto probe = (*table)->lookup("user999999@example.test");
	std::printf("\n1,000,000 entries: file %.1f MiB, sealed in %.2f s, opened (verified) in "
	            "%.3f s, memory +%.1f MiB, probe %s\n",
	            static_cast<double>(fs::file_size(dir / "big.bbx")) / 1048576.0, seal_s, open_s,
	            static_cast<double>(after - before) / 1024.0,
	            probe && *probe ? "found" : "MISSING");
	return 0;
}
