// Whole-message scoring speed on the shared corpus: parse (MIME walk,
// decoding, attachment inspection) plus every rule and the model, one
// message at a time on one core. Messages are read into memory first so
// the disk is not measured.
//
// usage: bench_score [model.json] [corpus-dir] [rounds]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "ai/corpus.hpp"
#include "ai/scorer.hpp"
#include "lab.hpp"

int main(int argc, char **argv)
{
	auto model_file = argc > 1 ? std::filesystem::path(argv[1])
	                           : lab::source_dir() / "ai" / "model" / "default.json";
	auto corpus =
	        argc > 2 ? std::filesystem::path(argv[2]) : lab::shared_dir() / "corpus" / "dev";
	int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;

	auto m = ai::load_model(model_file);
	if (!m) {
		std::fprintf(stderr, "bench_score: %s\n", m.error().c_str());
		return 1;
	}
	ai::scorer scorer(std::move(*m));

	std::vector<std::string> messages;
	std::size_t bytes = 0;
	for (auto label : {"phish", "spam", "ham"}) {
		auto walked = ai::for_each_message(corpus / label, [&](ai::raw_message &&raw) {
			bytes += raw.bytes.size();
			messages.push_back(std::move(raw.bytes));
		});
		if (!walked) {
			std::fprintf(stderr, "bench_score: %s\n", walked.error().c_str());
			return 1;
		}
	}

	using clock = std::chrono::steady_clock;
	std::vector<double> latencies;
	double best_seconds = 1e300;
	double checksum = 0.0;
	double parse_seconds = 0.0, score_seconds = 0.0;
	for (int round = 0; round < rounds; ++round) {
		latencies.clear();
		parse_seconds = score_seconds = 0.0;
		auto start = clock::now();
		for (auto const &raw : messages) {
			auto t0 = clock::now();
			auto msg = ai::parse_message(raw);
			auto t1 = clock::now();
			ai::score_context ctx;
			ctx.envelope_from = ai::return_path(msg);
			checksum += scorer.score(msg, ctx).score;
			auto t2 = clock::now();
			parse_seconds += std::chrono::duration<double>(t1 - t0).count();
			score_seconds += std::chrono::duration<double>(t2 - t1).count();
			latencies.push_back(std::chrono::duration<double>(t2 - t0).count());
		}
		best_seconds = std::min(
		        best_seconds, std::chrono::duration<double>(clock::now() - start).count());
	}
	std::sort(latencies.begin(), latencies.end());
	auto percentile = [&](double p) {
		return latencies[std::min(
		        latencies.size() - 1,
		        static_cast<std::size_t>(p * static_cast<double>(latencies.size())))];
	};
	std::printf("messages %zu, %.1f MB, best of %d rounds\n", messages.size(),
	            static_cast<double>(bytes) / 1e6, rounds);
	std::printf("throughput %.1f MB/s, %.0f msg/s (one core)\n",
	            static_cast<double>(bytes) / 1e6 / best_seconds,
	            static_cast<double>(messages.size()) / best_seconds);
	std::printf("latency p50 %.3f ms, p99 %.3f ms, max %.3f ms (last round)\n",
	            percentile(0.50) * 1e3, percentile(0.99) * 1e3, latencies.back() * 1e3);
	std::printf("time split (last round): parse_message %.2f s, rules and model %.2f s\n",
	            parse_seconds, score_seconds);
	std::printf("(checksum %.3f)\n", checksum);
	return 0;
}
