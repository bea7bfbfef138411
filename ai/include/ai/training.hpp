// Fitting a model: L2-regularised logistic regression over rule signals
// (and, optionally, hashed words), with thresholds chosen on scores the
// model never saw. Used by 1dall-train; kept in the library so it can be
// tested.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ai/scorer.hpp"

namespace ai {

struct training_example {
	std::map<std::string, double, std::less<>> rules; // rule id -> strength
	std::vector<std::uint32_t> tokens;                // distinct buckets
	bool unwanted = false;                            // phish or spam
	bool phish = false;
	int fold = 0; // from split_fold()
};

struct training_options {
	// Pull of each rule weight towards its prior (the hand-set weight in
	// the priors model), and of each word weight towards 0.
	double rule_l2 = 0.5;
	double token_l2 = 4.0;
	unsigned epochs = 400;
	double learning_rate = 0.05;
	bool use_tokens = true;
	// Fit word weights on spam and ham only. Spam and ham of the shared
	// corpus come from the same years while its phishing is recent, so
	// words learnt from phishing against that ham partly learn the era;
	// on that corpus, though, leaving phishing out costs half the
	// phishing detection, so it is off by default.
	bool tokens_without_phish = false;
	token_options tokens;
	// A rule seen in fewer training messages keeps its prior, converted to
	// the trained model's scale (see train_with_thresholds).
	std::size_t min_rule_messages = 10;
	// A word must appear in this many training messages to get a weight.
	std::size_t min_token_messages = 3;
	// Weight of a legitimate message in the loss, against 1 for unwanted
	// mail: above 1 trades detection for fewer false positives.
	double ham_weight = 2.0;
	// Thresholds: the share of legitimate mail (scored out of fold) that
	// may reach tag and quarantine; reject sits `reject_margin` above the
	// highest-scoring legitimate message.
	double tag_false_positive = 0.002;
	double quarantine_false_positive = 0.0005;
	double reject_margin = 1.5;
};

// Fits weights on `examples`, starting from and regularised towards
// `priors`. Rules with a non-negative prior keep a non-negative weight:
// evidence of a threat never counts in a message's favour. Thresholds are
// copied from the priors.
model fit_model(std::vector<training_example> const &examples, model const &priors,
                training_options const &options);

// Scores of each example under `m`.
double score_example(model const &m, training_example const &example);

// Cross-fits over the folds present in `examples` (each fold scored by a
// model trained on the others), sets thresholds from those out-of-fold
// scores, then fits the final model on everything. Rules seen in fewer
// than min_rule_messages messages get their prior rescaled: the share
// of the way from bias to tag it covers in the priors model becomes the
// same share from the median legitimate score to tag in the trained one. `oof_scores`, when
// given, receives the out-of-fold score of each example.
model train_with_thresholds(std::vector<training_example> const &examples, model const &priors,
                            training_options const &options,
                            std::vector<double> *oof_scores = nullptr);

// Thresholds for scores of legitimate messages (`ham_scores`).
thresholds choose_thresholds(std::vector<double> ham_scores, training_options const &options);

} // namespace ai
