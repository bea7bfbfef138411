// 1dall-train: fits the threat model's weights on labelled mail and
// writes the model file the scorer loads (see 1dall-train(1)).
#include <getopt.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "ai/corpus.hpp"
#include "ai/scorer.hpp"
#include "ai/training.hpp"

namespace {

struct options {
	std::string output = "model.json";
	std::string priors_file = ONEDALL_MODEL_DIR "/priors.json";
	ai::corpus_part part = ai::corpus_part::train;
	ai::training_options training;
	std::vector<std::string> dirs;
	bool quiet = false;
};

void usage(std::FILE *to)
{
	std::fprintf(to, "usage: 1dall-train [-q] [-o model.json] [-p priors.json] [--no-tokens]\n"
	                 "                   [--spam-tokens-only]\n"
	                 "                   [--bits N] [--part train|all] [--epochs N]\n"
	                 "                   [--l2 X] [--token-l2 X] [--ham-weight X]\n"
	                 "                   [--tag-fp X] [--learning-rate X] DIR...\n");
}

bool number(char const *text, double &out)
{
	char *end = nullptr;
	out = std::strtod(text, &end);
	return end != text && *end == '\0';
}

int parse_arguments(int argc, char **argv, options &o)
{
	enum {
		no_tokens = 256,
		phish_tokens,
		bits,
		part,
		epochs,
		l2,
		token_l2,
		ham_weight,
		tag_fp,
		rate
	};
	static option const long_options[] = {
	        {"output", required_argument, nullptr, 'o'},
	        {"priors", required_argument, nullptr, 'p'},
	        {"quiet", no_argument, nullptr, 'q'},
	        {"no-tokens", no_argument, nullptr, no_tokens},
	        {"spam-tokens-only", no_argument, nullptr, phish_tokens},
	        {"bits", required_argument, nullptr, bits},
	        {"part", required_argument, nullptr, part},
	        {"epochs", required_argument, nullptr, epochs},
	        {"l2", required_argument, nullptr, l2},
	        {"token-l2", required_argument, nullptr, token_l2},
	        {"ham-weight", required_argument, nullptr, ham_weight},
	        {"tag-fp", required_argument, nullptr, tag_fp},
	        {"learning-rate", required_argument, nullptr, rate},
	        {"help", no_argument, nullptr, 'h'},
	        {nullptr, 0, nullptr, 0}};
	auto &t = o.training;
	for (int c; (c = getopt_long(argc, argv, "o:p:qh", long_options, nullptr)) != -1;) {
		double value = 0.0;
		bool numeric = c >= bits && c != part && c <= rate;
		if (numeric && (!number(optarg, value) || value < 0.0)) {
			std::fprintf(stderr, "1dall-train: '%s' is not a non-negative number\n",
			             optarg);
			return 2;
		}
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'p':
			o.priors_file = optarg;
			break;
		case 'q':
			o.quiet = true;
			break;
		case no_tokens:
			t.use_tokens = false;
			break;
		case phish_tokens:
			t.tokens_without_phish = true;
			break;
		case bits:
			if (value < 8 || value > 24) {
				std::fprintf(stderr, "1dall-train: --bits must be from 8 to 24\n");
				return 2;
			}
			t.tokens.bits = static_cast<unsigned>(value);
			break;
		case part: {
			auto p = ai::parse_corpus_part(optarg);
			if (!p) {
				std::fprintf(stderr, "1dall-train: %s\n", p.error().c_str());
				return 2;
			}
			o.part = *p;
			break;
		}
		case epochs:
			t.epochs = static_cast<unsigned>(value);
			break;
		case l2:
			t.rule_l2 = value;
			break;
		case token_l2:
			t.token_l2 = value;
			break;
		case ham_weight:
			t.ham_weight = value;
			break;
		case tag_fp:
			t.tag_false_positive = value;
			break;
		case rate:
			t.learning_rate = value;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	for (int i = optind; i < argc; ++i)
		o.dirs.emplace_back(argv[i]);
	if (o.dirs.empty()) {
		usage(stderr);
		return 2;
	}
	return -1;
}

struct loaded {
	std::vector<ai::training_example> examples;
	std::vector<ai::mail_label> labels;
};

bool load(options const &o, loaded &out)
{
	ai::token_options const *tokens = o.training.use_tokens ? &o.training.tokens : nullptr;
	for (auto const &dir : o.dirs) {
		auto walked = ai::for_each_labelled(dir, o.part, [&](ai::labelled_message &&m) {
			ai::score_context ctx;
			ctx.envelope_from = ai::return_path(m.msg);
			auto features = ai::extract_features(m.msg, ctx, tokens);
			ai::training_example e;
			for (auto const &[rule, s] : features.rules)
				e.rules.emplace(rule, s.strength);
			e.tokens = std::move(features.tokens);
			e.unwanted = m.label != ai::mail_label::ham;
			e.phish = m.label == ai::mail_label::phish;
			e.fold = m.fold;
			out.examples.push_back(std::move(e));
			out.labels.push_back(m.label);
		});
		if (!walked) {
			std::fprintf(stderr, "1dall-train: %s\n", walked.error().c_str());
			return false;
		}
	}
	return true;
}

// Out-of-fold results: how the thresholds would have treated messages
// the model had not seen.
void print_summary(loaded const &data, std::vector<double> const &oof, ai::model const &m)
{
	std::array<std::array<std::size_t, 4>, 3> counts{};
	for (std::size_t i = 0; i < oof.size(); ++i)
		++counts[static_cast<int>(data.labels[i])]
		        [static_cast<int>(ai::action_for(oof[i], m.limits))];
	std::printf("thresholds: tag %.2f, quarantine %.2f, reject %.2f\n", m.limits.tag,
	            m.limits.quarantine, m.limits.reject);
	std::printf("out-of-fold on the training messages (label: accept tag quarantine reject)\n");
	for (int label = 0; label < 3; ++label) {
		auto const &row = counts[label];
		std::printf("  %-5s %6zu %6zu %6zu %6zu\n",
		            std::string(ai::label_name(static_cast<ai::mail_label>(label))).c_str(),
		            row[0], row[1], row[2], row[3]);
	}
	std::size_t words = 0;
	for (float w : m.token_weights)
		words += w != 0.0f;
	std::printf("rules weighted: %zu, word buckets weighted: %zu\n", m.weights.size(), words);
}

} // namespace

int main(int argc, char **argv)
{
	options o;
	if (int status = parse_arguments(argc, argv, o); status >= 0)
		return status;
	auto priors = ai::load_model(o.priors_file);
	if (!priors) {
		std::fprintf(stderr, "1dall-train: %s\n", priors.error().c_str());
		return 1;
	}
	loaded data;
	if (!load(o, data))
		return 1;
	if (data.examples.empty()) {
		std::fprintf(stderr, "1dall-train: no messages to train on\n");
		return 1;
	}
	std::vector<double> oof;
	auto m = ai::train_with_thresholds(data.examples, *priors, o.training, &oof);
	m.name = "trained";
	m.description = "Fitted by 1dall-train on " + std::to_string(data.examples.size()) +
	                " messages (" +
	                (o.part == ai::corpus_part::all ? "all folds" : "folds 1-4") +
	                " of the split by ai::split_key); thresholds from out-of-fold scores.";
	std::ofstream out(o.output, std::ios::binary | std::ios::trunc);
	out << ai::model_to_json(m);
	out.close();
	if (!out) {
		std::fprintf(stderr, "1dall-train: %s: cannot write the model\n", o.output.c_str());
		return 1;
	}
	if (!o.quiet)
		print_summary(data, oof, m);
	return 0;
}
