// 1dall-score: scores messages with the threat model and explains why,
// or evaluates the model on labelled folders (see 1dall-score(1)).
#include <getopt.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ai/corpus.hpp"
#include "ai/scorer.hpp"

namespace {

using json = nlohmann::json;

struct options {
	std::string model_file = ONEDALL_MODEL_DIR "/default.json";
	ai::score_context context;
	bool envelope_given = false;
	bool as_json = false;
	std::string eval_dir;
	ai::corpus_part part = ai::corpus_part::held_out;
	std::vector<std::string> inputs;
};

void usage(std::FILE *to)
{
	std::fprintf(
	        to,
	        "usage: 1dall-score [-j] [-m model.json] [-t domain]... [-T file]\n"
	        "                   [-e envelope-from] message|maildir|mbox|folder...\n"
	        "       1dall-score --eval DIR [--part held-out|train|all] [-j] [-m model.json]\n");
}

bool read_trusted_file(std::string const &file, std::vector<std::string> &out)
{
	std::ifstream in(file);
	if (!in)
		return false;
	for (std::string line; std::getline(in, line);) {
		auto hash = line.find('#');
		line = line.substr(0, hash);
		auto first = line.find_first_not_of(" \t\r");
		auto last = line.find_last_not_of(" \t\r");
		if (first != std::string::npos)
			out.push_back(line.substr(first, last - first + 1));
	}
	return true;
}

int parse_arguments(int argc, char **argv, options &o)
{
	enum { opt_eval = 256, opt_part };
	static option const long_options[] = {{"model", required_argument, nullptr, 'm'},
	                                      {"trusted", required_argument, nullptr, 't'},
	                                      {"trusted-file", required_argument, nullptr, 'T'},
	                                      {"envelope-from", required_argument, nullptr, 'e'},
	                                      {"json", no_argument, nullptr, 'j'},
	                                      {"eval", required_argument, nullptr, opt_eval},
	                                      {"part", required_argument, nullptr, opt_part},
	                                      {"help", no_argument, nullptr, 'h'},
	                                      {nullptr, 0, nullptr, 0}};
	for (int c; (c = getopt_long(argc, argv, "m:t:T:e:jh", long_options, nullptr)) != -1;) {
		switch (c) {
		case 'm':
			o.model_file = optarg;
			break;
		case 't':
			o.context.trusted_domains.emplace_back(optarg);
			break;
		case 'T':
			if (!read_trusted_file(optarg, o.context.trusted_domains)) {
				std::fprintf(stderr, "1dall-score: %s: cannot read\n", optarg);
				return 2;
			}
			break;
		case 'e':
			o.context.envelope_from = optarg;
			o.envelope_given = true;
			break;
		case 'j':
			o.as_json = true;
			break;
		case opt_eval:
			o.eval_dir = optarg;
			break;
		case opt_part: {
			auto part = ai::parse_corpus_part(optarg);
			if (!part) {
				std::fprintf(stderr, "1dall-score: %s\n", part.error().c_str());
				return 2;
			}
			o.part = *part;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int i = optind; i < argc; ++i)
		o.inputs.emplace_back(argv[i]);
	if (o.eval_dir.empty() == o.inputs.empty()) {
		usage(stderr);
		return 2;
	}
	return -1;
}

json result_json(std::string const &origin, ai::score_result const &r)
{
	json rules = json::array();
	for (auto const &c : r.fired)
		rules.push_back({{"rule", c.rule},
		                 {"detail", c.detail},
		                 {"strength", c.strength},
		                 {"weight", c.weight},
		                 {"points", c.points}});
	return {{"message", origin},
	        {"score", r.score},
	        {"action", std::string(ai::action_name(r.verdict))},
	        {"rules", rules},
	        {"report", r.report}};
}

void print_human(std::string const &origin, ai::score_result const &r)
{
	std::printf("%s: score %.2f, %s\n", origin.c_str(), r.score,
	            std::string(ai::action_name(r.verdict)).c_str());
	for (auto const &c : r.fired)
		std::printf("  %+6.2f  %-28s %s\n", c.points, c.rule.c_str(), c.detail.c_str());
}

int score_inputs(options &o, ai::scorer const &scorer)
{
	int status = 0;
	for (auto const &input : o.inputs) {
		auto walked = ai::for_each_message(input, [&](ai::raw_message &&raw) {
			auto msg = ai::parse_message(raw.bytes);
			auto ctx = o.context;
			if (!o.envelope_given)
				ctx.envelope_from = ai::return_path(msg);
			auto r = scorer.score(msg, ctx);
			if (o.as_json)
				std::printf("%s\n", result_json(raw.origin, r).dump().c_str());
			else
				print_human(raw.origin, r);
		});
		if (!walked) {
			std::fprintf(stderr, "1dall-score: %s\n", walked.error().c_str());
			status = 1;
		}
	}
	return status;
}

struct tally {
	std::array<std::array<std::size_t, 4>, 3> counts{}; // label x action
	std::size_t total(int label) const
	{
		auto const &row = counts[label];
		return row[0] + row[1] + row[2] + row[3];
	}
	std::size_t at_tag_or_above(int label) const
	{
		auto const &row = counts[label];
		return row[1] + row[2] + row[3];
	}
	double rate(int label) const
	{
		return total(label) == 0 ? 0.0
		                         : 100.0 * static_cast<double>(at_tag_or_above(label)) /
		                                   static_cast<double>(total(label));
	}
};

std::string_view part_name(ai::corpus_part part)
{
	switch (part) {
	case ai::corpus_part::train:
		return "training part (folds 1-4)";
	case ai::corpus_part::held_out:
		return "held-out part (fold 0)";
	case ai::corpus_part::all:
		return "whole collection";
	}
	return "";
}

void print_table(options const &o, tally const &t)
{
	std::printf("%s of %s, split by ai::split_key (see 1dall-score(1))\n\n",
	            std::string(part_name(o.part)).c_str(), o.eval_dir.c_str());
	std::printf("%-6s %9s %8s %8s %11s %8s %14s\n", "label", "messages", "accept", "tag",
	            "quarantine", "reject", "tag or above");
	for (int label = 0; label < 3; ++label) {
		if (t.total(label) == 0)
			continue;
		auto const &row = t.counts[label];
		std::printf("%-6s %9zu %8zu %8zu %11zu %8zu %13.2f%%\n",
		            std::string(ai::label_name(static_cast<ai::mail_label>(label))).c_str(),
		            t.total(label), row[0], row[1], row[2], row[3], t.rate(label));
	}
	std::printf("\nphish detected %.2f%%, spam detected %.2f%%, ham false positives "
	            "%.2f%% (%zu), ham rejected %zu\n",
	            t.rate(0), t.rate(1), t.rate(2), t.at_tag_or_above(2), t.counts[2][3]);
}

int evaluate(options const &o, ai::scorer const &scorer)
{
	tally t;
	auto walked = ai::for_each_labelled(o.eval_dir, o.part, [&](ai::labelled_message &&m) {
		auto ctx = o.context;
		if (!o.envelope_given)
			ctx.envelope_from = ai::return_path(m.msg);
		auto r = scorer.score(m.msg, ctx);
		++t.counts[static_cast<int>(m.label)][static_cast<int>(r.verdict)];
	});
	if (!walked) {
		std::fprintf(stderr, "1dall-score: %s\n", walked.error().c_str());
		return 1;
	}
	if (!o.as_json) {
		print_table(o, t);
		return 0;
	}
	json out = {{"part", std::string(part_name(o.part))}, {"labels", json::object()}};
	for (int label = 0; label < 3; ++label) {
		auto const &row = t.counts[label];
		out["labels"][std::string(ai::label_name(static_cast<ai::mail_label>(label)))] = {
		        {"messages", t.total(label)},
		        {"accept", row[0]},
		        {"tag", row[1]},
		        {"quarantine", row[2]},
		        {"reject", row[3]},
		        {"tag_or_above_percent", t.rate(label)}};
	}
	std::printf("%s\n", out.dump(1, '\t').c_str());
	return 0;
}

} // namespace

int main(int argc, char **argv)
{
	options o;
	if (int status = parse_arguments(argc, argv, o); status >= 0)
		return status;
	auto m = ai::load_model(o.model_file);
	if (!m) {
		std::fprintf(stderr, "1dall-score: %s\n", m.error().c_str());
		return 1;
	}
	ai::scorer scorer(std::move(*m));
	return o.eval_dir.empty() ? score_inputs(o, scorer) : evaluate(o, scorer);
}
