// The scorer: weighs every signal a message raises with a model learned
// by 1dall-train, adds them up, and says what to do and why.
//
// score = bias + sum over fired rules (weight x strength)
//              + token model (sum of word weights / sqrt(distinct words))
//
// The score is a log-odds: 0 means even odds of unwanted mail. The model
// file's thresholds map it to an action.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "ai/rules.hpp"
#include "ai/message.hpp"
#include "ai/tokens.hpp"

namespace ai {

enum class action { accept, tag, quarantine, reject };

std::string_view action_name(action a);

// Score limits for each action: at or above `tag` the message is tagged,
// and so on. tag <= quarantine <= reject.
struct thresholds {
	double tag = 0.0;
	double quarantine = 3.0;
	double reject = 6.0;
};

struct model {
	std::string name;
	std::string description;
	double bias = 0.0;
	std::map<std::string, double, std::less<>> weights;
	// Weight of a rule the model has no entry for (a signal from a newer
	// library or an outside source such as the sender history).
	double unknown_rule_weight = 0.0;
	thresholds limits;
	// Optional hashed token model; empty when the model has none.
	token_options token_settings;
	std::vector<float> token_weights; // 2^bits entries or none

	bool has_tokens() const { return !token_weights.empty(); }
	double weight_of(std::string_view rule) const;
};

// Reads a model from JSON text or a file. Errors say what is wrong and
// where ("default.json: thresholds.tag is not a number").
tl::expected<model, std::string> parse_model(std::string_view json, std::string_view origin);
tl::expected<model, std::string> load_model(std::filesystem::path const &file);
// The model as JSON, as 1dall-train writes it.
std::string model_to_json(model const &m);

struct score_context {
	std::vector<std::string> trusted_domains;
	std::string envelope_from;
	// Signals from outside the message (sender history, the trust layer).
	std::vector<signal> extra_signals;
};

// What a message is, as features: each rule id once, with the strongest
// evidence for it, and the token buckets. The scorer and 1dall-train
// build it the same way.
struct message_features {
	std::map<std::string, signal, std::less<>> rules;
	std::vector<std::uint32_t> tokens; // distinct buckets, sorted
	std::string visible;               // the text the rules and words read
};

message_features extract_features(parsed_message const &msg, score_context const &ctx,
                                  token_options const *tokens);

struct contribution {
	std::string rule;
	std::string detail;
	double strength = 1.0;
	double weight = 0.0;
	double points = 0.0; // weight x strength
};

struct score_result {
	double score = 0.0;
	action verdict = action::accept;
	std::vector<contribution> fired; // largest |points| first
	std::string report;              // one line, for a header or a log
};

class scorer {
      public:
	explicit scorer(model m);
	score_result score(parsed_message const &msg, score_context const &ctx) const;
	model const &current_model() const { return model_; }

      private:
	model model_;
};

// The action for a score under the given thresholds.
action action_for(double score, thresholds const &limits);

} // namespace ai
