#include "ai/scorer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace ai {
namespace {

// Keeps the strongest evidence for each rule id; later duplicates only
// add a count to the detail.
void merge(message_features &f, signal const &s, std::map<std::string, int, std::less<>> &repeats)
{
	auto [it, fresh] = f.rules.try_emplace(s.rule, s);
	if (fresh)
		return;
	++repeats[s.rule];
	if (s.strength > it->second.strength) {
		it->second.strength = s.strength;
		it->second.detail = s.detail;
	}
}

std::string format_points(double points)
{
	char buffer[32];
	std::snprintf(buffer, sizeof buffer, "%+.2f", points);
	return buffer;
}

// The words that pushed the token model's sum up most, for the report.
std::string top_words(std::string_view subject, std::string_view body, model const &m, double scale)
{
	std::vector<std::pair<double, std::string>> words;
	std::unordered_set<std::uint32_t> seen;
	auto note = [&](std::string_view word, std::uint32_t bucket) {
		if (!seen.insert(bucket).second)
			return;
		double w = static_cast<double>(m.token_weights[bucket]) * scale;
		if (w > 0.05)
			words.emplace_back(w, std::string(word));
	};
	for_each_token(subject, true, m.token_settings, note);
	for_each_token(body, false, m.token_settings, note);
	std::sort(words.begin(), words.end(),
	          [](auto const &a, auto const &b) { return a.first > b.first; });
	std::string out;
	for (std::size_t i = 0; i < words.size() && i < 5; ++i)
		out += (i ? ", " : "") + words[i].second;
	return out.empty() ? "no single word stands out" : "words: " + out;
}

std::string report_line(score_result const &r)
{
	char head[64];
	std::snprintf(head, sizeof head, "score=%.2f action=%s", r.score,
	              std::string(action_name(r.verdict)).c_str());
	std::string line = head;
	std::size_t shown = 0;
	for (auto const &c : r.fired) {
		if (c.points == 0.0)
			continue;
		line += shown++ == 0 ? " rules=" : ",";
		line += c.rule + "(" + format_points(c.points) + ")";
	}
	return line;
}

} // namespace

std::string_view action_name(action a)
{
	switch (a) {
	case action::accept:
		return "accept";
	case action::tag:
		return "tag";
	case action::quarantine:
		return "quarantine";
	case action::reject:
		return "reject";
	}
	return "accept";
}

action action_for(double score, thresholds const &limits)
{
	if (score >= limits.reject)
		return action::reject;
	if (score >= limits.quarantine)
		return action::quarantine;
	if (score >= limits.tag)
		return action::tag;
	return action::accept;
}

double model::weight_of(std::string_view rule) const
{
	auto it = weights.find(rule);
	return it != weights.end() ? it->second : unknown_rule_weight;
}

message_features extract_features(parsed_message const &msg, score_context const &ctx,
                                  token_options const *tokens)
{
	message_features f;
	std::map<std::string, int, std::less<>> repeats;
	rule_context rules{ctx.trusted_domains, ctx.envelope_from};
	auto visible = visible_text(msg);

	for (auto const &s : msg.structure)
		merge(f, s, repeats);
	for (auto const &a : msg.attachments)
		for (auto const &s : a.findings)
			merge(f, s, repeats);
	for (auto const &s : header_signals(msg, rules))
		merge(f, s, repeats);
	for (auto const &s : link_signals(msg, rules))
		merge(f, s, repeats);
	for (auto const &s : lure_signals(msg, visible))
		merge(f, s, repeats);
	for (auto const &s : ctx.extra_signals)
		merge(f, s, repeats);
	for (auto const &[rule, count] : repeats)
		f.rules[rule].detail += " (" + std::to_string(count + 1) + " times)";

	for (auto &[rule, s] : f.rules)
		s.strength = std::clamp(s.strength, 0.0, 1.0);
	if (tokens != nullptr)
		f.tokens = token_buckets(msg.subject, visible, *tokens);
	f.visible = std::move(visible);
	return f;
}

scorer::scorer(model m) : model_(std::move(m)) {}

score_result scorer::score(parsed_message const &msg, score_context const &ctx) const
{
	score_result r;
	auto features =
	        extract_features(msg, ctx, model_.has_tokens() ? &model_.token_settings : nullptr);
	r.score = model_.bias;
	for (auto const &[rule, s] : features.rules) {
		double w = model_.weight_of(rule);
		r.fired.push_back({rule, s.detail, s.strength, w, w * s.strength});
		r.score += w * s.strength;
	}
	if (model_.has_tokens() && !features.tokens.empty()) {
		double scale = 1.0 / std::sqrt(static_cast<double>(features.tokens.size()));
		double sum = 0.0;
		for (auto bucket : features.tokens)
			sum += static_cast<double>(model_.token_weights[bucket]);
		double points = sum * scale;
		std::string why = points > 0.0
		                          ? top_words(msg.subject, features.visible, model_, scale)
		                          : "the wording resembles legitimate mail";
		r.fired.push_back({"tokens.words", why, 1.0, points, points});
		r.score += points;
	}
	std::stable_sort(r.fired.begin(), r.fired.end(), [](auto const &a, auto const &b) {
		return std::fabs(a.points) > std::fabs(b.points);
	});
	r.verdict = action_for(r.score, model_.limits);
	r.report = report_line(r);
	return r;
}

} // namespace ai
