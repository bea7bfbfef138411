// Sender history throughput: one signals_for() plus one observe() per
// message, as the milter does, on LMDB (with and without an fsync per
// commit) and on a redis-server this program starts on loopback; from
// one thread, and from 16 at once as concurrent milter connections.
//
//   bench_history [messages]     (default 20000)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "ai/history.hpp"
#include "lab.hpp"

using namespace std::chrono_literals;

namespace {

// Messages t, t + step, t + 2 step... of `messages`, from 2,000 senders
// at 200 domains, ten seconds apart. Returns the number of errors.
int one_thread(ai::sender_history &history, int t, int step, int messages)
{
	ai::history_facts facts{{"application/pdf"}, ""};
	std::chrono::sys_seconds now{std::chrono::seconds{1'767'225'600}};
	int errors = 0;
	for (int i = t; i < messages; i += step) {
		std::string sender = "user" + std::to_string(i % 2000) + "@domain" +
		                     std::to_string(i % 200) + ".example";
		auto signals = history.signals_for(sender, "", facts, now + i * 10s);
		auto recorded = history.observe(sender, "", facts, ai::history_verdict::accept,
		                                now + i * 10s);
		errors += (signals ? 0 : 1) + (recorded ? 0 : 1);
	}
	return errors;
}

struct result {
	double per_second = 0;
	int errors = 0;
};

result run(ai::sender_history &history, int messages, int threads = 1)
{
	std::atomic<int> errors = 0;
	auto start = std::chrono::steady_clock::now();
	std::vector<std::thread> workers;
	for (int t = 0; t < threads; ++t)
		workers.emplace_back(
		        [&, t] { errors += one_thread(history, t, threads, messages); });
	for (auto &w : workers)
		w.join();
	std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
	return {messages / took.count(), errors};
}

void report(char const *name, result r)
{
	std::printf("%-26s %10.0f messages/s  (%d errors)\n", name, r.per_second, r.errors);
}

} // namespace

int main(int argc, char **argv)
{
	int messages = argc > 1 ? std::atoi(argv[1]) : 20000;
	lab::temp_dir dir("bench-history");

	for (bool sync : {true, false}) {
		auto store = ai::open_lmdb_store({dir / (sync ? "sync" : "nosync"),
		                                  std::size_t{64} << 20,
		                                  std::chrono::days{90},
		                                  {},
		                                  sync});
		if (!store) {
			std::fprintf(stderr, "%s\n", store.error().message.c_str());
			return 1;
		}
		ai::sender_history history(std::move(*store));
		if (sync) {
			report("lmdb (fsync)", run(history, messages / 20));
			report("lmdb (fsync), 16 threads", run(history, messages / 4, 16));
		} else {
			report("lmdb (no fsync)", run(history, messages));
		}
	}

	int port = lab::free_tcp_port();
	lab::process redis({"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
	                    "--save", "", "--appendonly", "no", "--dir", dir.path().string()},
	                   dir / "redis.log");
	if (!lab::wait_for_tcp("127.0.0.1", port, 10s)) {
		std::fprintf(stderr, "redis-server did not start\n");
		return 1;
	}
	ai::redis_store_options options;
	options.port = port;
	auto store = ai::open_redis_store(options);
	if (!store)
		return 1;
	ai::sender_history history(std::move(*store));
	report("redis (loopback)", run(history, messages / 4));
	report("redis, 16 threads", run(history, messages / 4, 16));
	return 0;
}
