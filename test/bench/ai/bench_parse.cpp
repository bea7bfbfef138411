// Whole-message parse throughput over the shared corpus, one thread:
// MIME walk, charset decoding, links and attachment inspection.
//
//   bench_parse [CORPUS_DEV_DIR] [ROUNDS]
//
// Prints MB/s, messages/s and per-message latency percentiles, by wall
// clock and by the thread's CPU time (the second is what a loaded,
// shared machine does not distort). Files are read into memory first,
// so disk speed is not measured.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "ai/message.hpp"
#include "lab.hpp"

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

std::vector<std::string> load_messages(fs::path const &dev)
{
	std::vector<std::string> messages;
	for (char const *label : {"ham", "spam", "phish"}) {
		if (!fs::is_directory(dev / label))
			continue;
		for (auto const &entry : fs::directory_iterator(dev / label))
			if (entry.is_regular_file())
				messages.push_back(lab::read_file(entry.path()));
	}
	return messages;
}

double thread_cpu_seconds()
{
	timespec ts{};
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double percentile(std::vector<double> sorted, double p)
{
	if (sorted.empty())
		return 0;
	std::size_t index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
	return sorted[index];
}

} // namespace

int main(int argc, char **argv)
{
	fs::path dev = argc > 1 ? fs::path(argv[1]) : lab::shared_dir() / "corpus" / "dev";
	int rounds = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
	std::vector<std::string> messages = load_messages(dev);
	if (messages.empty()) {
		std::fprintf(stderr, "bench_parse: no messages under %s\n", dev.c_str());
		return 1;
	}
	std::size_t bytes = 0;
	for (auto const &m : messages)
		bytes += m.size();

	ai::parse_message(messages.front()); // one-time set-up (GMime, libmagic)
	std::vector<double> latencies;
	std::vector<double> cpu_latencies;
	latencies.reserve(messages.size() * static_cast<std::size_t>(rounds));
	cpu_latencies.reserve(latencies.capacity());
	std::size_t attachments = 0;
	auto start = clock_type::now();
	double cpu_start = thread_cpu_seconds();
	for (int round = 0; round < rounds; ++round)
		for (auto const &raw : messages) {
			auto t0 = clock_type::now();
			double c0 = thread_cpu_seconds();
			ai::parsed_message parsed = ai::parse_message(raw);
			double c1 = thread_cpu_seconds();
			auto t1 = clock_type::now();
			attachments += parsed.attachments.size();
			latencies.push_back(
			        std::chrono::duration<double, std::micro>(t1 - t0).count());
			cpu_latencies.push_back((c1 - c0) * 1e6);
		}
	double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
	double cpu_seconds = thread_cpu_seconds() - cpu_start;
	std::sort(latencies.begin(), latencies.end());
	std::sort(cpu_latencies.begin(), cpu_latencies.end());

	double total_mb = static_cast<double>(bytes) * rounds / 1e6;
	std::printf("corpus: %zu messages, %.1f MB, %zu attachments per round\n", messages.size(),
	            static_cast<double>(bytes) / 1e6,
	            attachments / static_cast<std::size_t>(rounds));
	double messages_done = static_cast<double>(latencies.size());
	std::printf("rounds: %d, %.2f s wall, %.2f s CPU\n", rounds, seconds, cpu_seconds);
	std::printf("throughput (wall): %.1f MB/s, %.0f messages/s\n", total_mb / seconds,
	            messages_done / seconds);
	std::printf("throughput (CPU):  %.1f MB/s, %.0f messages/s\n", total_mb / cpu_seconds,
	            messages_done / cpu_seconds);
	std::printf("latency (wall): p50 %.0f us, p99 %.0f us, max %.0f us\n",
	            percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.back());
	std::printf("latency (CPU):  p50 %.0f us, p99 %.0f us, max %.0f us\n",
	            percentile(cpu_latencies, 0.50), percentile(cpu_latencies, 0.99),
	            cpu_latencies.back());
	return 0;
}
