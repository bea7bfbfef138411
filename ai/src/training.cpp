#include "ai/training.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace ai {
namespace {

double sigmoid(double x)
{
	return 1.0 / (1.0 + std::exp(-x));
}

double token_scale(std::size_t distinct)
{
	return distinct == 0 ? 0.0 : 1.0 / std::sqrt(static_cast<double>(distinct));
}

// Dense parameter layout: [bias, rules..., token buckets...].
struct layout {
	std::vector<std::string> rules;
	std::map<std::string, std::size_t, std::less<>> rule_index;
	std::size_t token_base = 0;
	std::size_t size = 0;
};

layout make_layout(std::vector<training_example> const &examples, model const &priors,
                   training_options const &options)
{
	std::set<std::string, std::less<>> names;
	for (auto const &[rule, w] : priors.weights)
		names.insert(rule);
	for (auto const &e : examples)
		for (auto const &[rule, s] : e.rules)
			names.insert(rule);
	layout l;
	l.rules.assign(names.begin(), names.end());
	for (std::size_t i = 0; i < l.rules.size(); ++i)
		l.rule_index[l.rules[i]] = 1 + i;
	l.token_base = 1 + l.rules.size();
	l.size = l.token_base + (options.use_tokens ? (std::size_t{1} << options.tokens.bits) : 0);
	return l;
}

// Buckets seen in at least `min_messages` examples.
std::vector<bool> usable_tokens(std::vector<training_example> const &examples,
                                training_options const &options)
{
	std::vector<std::uint32_t> counts(std::size_t{1} << options.tokens.bits, 0);
	for (auto const &e : examples)
		if (!(e.phish && options.tokens_without_phish))
			for (auto b : e.tokens)
				if (b < counts.size())
					++counts[b];
	std::vector<bool> usable(counts.size());
	for (std::size_t b = 0; b < counts.size(); ++b)
		usable[b] = counts[b] >= options.min_token_messages;
	return usable;
}

double median(std::vector<double> values)
{
	if (values.empty())
		return 0.0;
	auto mid = values.begin() + static_cast<long>(values.size() / 2);
	std::nth_element(values.begin(), mid, values.end());
	return *mid;
}

// A prior says how far one rule moves a message in the priors model's
// units: weight 3 with bias -3 and tag 0 takes a plain message exactly to
// tag. A trained model has its own scale (its tag threshold may sit at 4
// with word weights spreading scores widely), so a rule the training
// mail hardly shows gets its prior converted: the same share of the way
// from a typical legitimate message to the tag threshold.
void rescale_rare_rules(std::vector<training_example> const &examples, model const &priors,
                        std::vector<double> const &ham_scores, model &trained,
                        training_options const &options)
{
	std::map<std::string, std::size_t, std::less<>> support;
	for (auto const &e : examples)
		for (auto const &[rule, strength] : e.rules)
			++support[rule];
	double prior_span = priors.limits.tag - priors.bias;
	double trained_span = trained.limits.tag - median(ham_scores);
	if (prior_span <= 0.0 || trained_span <= 0.0)
		return;
	double factor = trained_span / prior_span;
	for (auto const &[rule, prior] : priors.weights) {
		auto seen = support.find(rule);
		if (seen != support.end() && seen->second >= options.min_rule_messages)
			continue;
		// Only evidence against a message is scaled up: a discount (a
		// trusted partner) stays small, so that a partner's hijacked
		// mailbox sending a program is still stopped.
		trained.weights[rule] =
		        prior > 0.0 ? std::max(trained.weight_of(rule), prior * factor) : prior;
	}
}

} // namespace

double score_example(model const &m, training_example const &example)
{
	double s = m.bias;
	for (auto const &[rule, strength] : example.rules)
		s += m.weight_of(rule) * strength;
	if (m.has_tokens()) {
		double sum = 0.0;
		for (auto b : example.tokens)
			if (b < m.token_weights.size())
				sum += static_cast<double>(m.token_weights[b]);
		s += sum * token_scale(example.tokens.size());
	}
	return s;
}

model fit_model(std::vector<training_example> const &examples, model const &priors,
                training_options const &options)
{
	auto l = make_layout(examples, priors, options);
	std::vector<double> prior(l.size, 0.0), w(l.size, 0.0);
	std::vector<bool> non_negative(l.size, false);
	prior[0] = w[0] = priors.bias;
	for (std::size_t i = 0; i < l.rules.size(); ++i) {
		double p = priors.weight_of(l.rules[i]);
		prior[1 + i] = w[1 + i] = p;
		non_negative[1 + i] = p >= 0.0;
	}
	std::vector<bool> usable;
	if (options.use_tokens)
		usable = usable_tokens(examples, options);

	double total_weight = 0.0;
	for (auto const &e : examples)
		total_weight += e.unwanted ? 1.0 : options.ham_weight;
	if (total_weight == 0.0)
		return priors;

	// Each example as a sparse row of (parameter, value), built once.
	struct row {
		std::vector<std::pair<std::size_t, double>> x;
		double target;
		double sample;
	};
	std::vector<row> rows;
	rows.reserve(examples.size());
	for (auto const &e : examples) {
		row r{{},
		      e.unwanted ? 1.0 : 0.0,
		      (e.unwanted ? 1.0 : options.ham_weight) / total_weight};
		for (auto const &[rule, strength] : e.rules)
			r.x.emplace_back(l.rule_index.at(rule), strength);
		double scale = token_scale(e.tokens.size());
		bool words = options.use_tokens && !(e.phish && options.tokens_without_phish);
		if (words)
			for (auto b : e.tokens)
				if (b < usable.size() && usable[b])
					r.x.emplace_back(l.token_base + b, scale);
		rows.push_back(std::move(r));
	}

	// Full-batch gradient descent with Adam step sizes.
	std::vector<double> grad(l.size), m1(l.size, 0.0), m2(l.size, 0.0);
	constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
	for (unsigned epoch = 1; epoch <= options.epochs; ++epoch) {
		std::fill(grad.begin(), grad.end(), 0.0);
		for (auto const &r : rows) {
			double s = w[0];
			for (auto const &[i, v] : r.x)
				s += w[i] * v;
			double error = r.sample * (sigmoid(s) - r.target);
			grad[0] += error;
			for (auto const &[i, v] : r.x)
				grad[i] += error * v;
		}
		double n = static_cast<double>(examples.size());
		for (std::size_t i = 1; i < l.size; ++i) {
			double lambda = i < l.token_base ? options.rule_l2 : options.token_l2;
			grad[i] += lambda * (w[i] - prior[i]) / n;
		}
		double correction1 = 1.0 - std::pow(beta1, epoch);
		double correction2 = 1.0 - std::pow(beta2, epoch);
		for (std::size_t i = 0; i < l.size; ++i) {
			if (grad[i] == 0.0 && m1[i] == 0.0)
				continue;
			m1[i] = beta1 * m1[i] + (1 - beta1) * grad[i];
			m2[i] = beta2 * m2[i] + (1 - beta2) * grad[i] * grad[i];
			w[i] -= options.learning_rate * (m1[i] / correction1) /
			        (std::sqrt(m2[i] / correction2) + epsilon);
			if (non_negative[i] && w[i] < 0.0)
				w[i] = 0.0;
		}
	}

	model out = priors;
	out.bias = w[0];
	out.weights.clear();
	for (std::size_t i = 0; i < l.rules.size(); ++i)
		out.weights[l.rules[i]] = w[1 + i];
	out.token_weights.clear();
	if (options.use_tokens) {
		out.token_settings = options.tokens;
		out.token_weights.assign(std::size_t{1} << options.tokens.bits, 0.0f);
		for (std::size_t b = 0; b < out.token_weights.size(); ++b)
			if (usable[b] && std::fabs(w[l.token_base + b]) >= 1e-3)
				out.token_weights[b] = static_cast<float>(w[l.token_base + b]);
	}
	return out;
}

thresholds choose_thresholds(std::vector<double> ham_scores, training_options const &options)
{
	thresholds t;
	if (ham_scores.empty())
		return t;
	std::sort(ham_scores.begin(), ham_scores.end(), std::greater<>());
	// The smallest score that lets at most `share` of ham through: just
	// above the k-th highest ham score, k = floor(share * n).
	auto above = [&](double share) {
		auto k = static_cast<std::size_t>(share * static_cast<double>(ham_scores.size()));
		k = std::min(k, ham_scores.size() - 1);
		return ham_scores[k] + 0.01;
	};
	t.tag = above(options.tag_false_positive);
	t.quarantine = std::max(above(options.quarantine_false_positive), t.tag + 1.0);
	t.reject = std::max(ham_scores.front() + options.reject_margin, t.quarantine + 1.0);
	return t;
}

model train_with_thresholds(std::vector<training_example> const &examples, model const &priors,
                            training_options const &options, std::vector<double> *oof_scores)
{
	std::set<int> folds;
	for (auto const &e : examples)
		folds.insert(e.fold);
	std::vector<double> scores(examples.size(), 0.0);
	if (folds.size() >= 2) {
		for (int fold : folds) {
			std::vector<training_example> rest;
			for (auto const &e : examples)
				if (e.fold != fold)
					rest.push_back(e);
			auto partial = fit_model(rest, priors, options);
			for (std::size_t i = 0; i < examples.size(); ++i)
				if (examples[i].fold == fold)
					scores[i] = score_example(partial, examples[i]);
		}
	}
	std::vector<double> ham;
	for (std::size_t i = 0; i < examples.size(); ++i)
		if (!examples[i].unwanted)
			ham.push_back(scores[i]);
	auto final_model = fit_model(examples, priors, options);
	if (folds.size() >= 2) {
		final_model.limits = choose_thresholds(ham, options);
		rescale_rare_rules(examples, priors, ham, final_model, options);
	}
	if (oof_scores != nullptr)
		*oof_scores = std::move(scores);
	return final_model;
}

} // namespace ai
