// Model files: JSON written by 1dall-train, read by the scorer. Every
// error names the file and the field.
#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ai/scorer.hpp"

namespace ai {
namespace {

using json = nlohmann::json;
constexpr std::string_view format_name = "1dallmail-model/1";

struct reader {
	std::string_view origin;

	tl::unexpected<std::string> error(std::string const &what) const
	{
		return tl::unexpected(std::string(origin) + ": " + what);
	}

	tl::expected<double, std::string> number(json const &parent, char const *key,
	                                         std::string const &path) const
	{
		auto it = parent.find(key);
		if (it == parent.end())
			return error(path + " is missing");
		if (!it->is_number() || !std::isfinite(it->get<double>()))
			return error(path + " is not a finite number");
		return it->get<double>();
	}
};

tl::expected<void, std::string> read_thresholds(reader const &r, json const &doc, model &m)
{
	auto it = doc.find("thresholds");
	if (it == doc.end() || !it->is_object())
		return r.error("thresholds is missing or not an object");
	auto tag = r.number(*it, "tag", "thresholds.tag");
	auto quarantine = r.number(*it, "quarantine", "thresholds.quarantine");
	auto reject = r.number(*it, "reject", "thresholds.reject");
	for (auto const *value : {&tag, &quarantine, &reject})
		if (!*value)
			return tl::unexpected(value->error());
	if (!(*tag <= *quarantine && *quarantine <= *reject))
		return r.error("thresholds must satisfy tag <= quarantine <= reject");
	m.limits = {*tag, *quarantine, *reject};
	return {};
}

tl::expected<void, std::string> read_weights(reader const &r, json const &doc, model &m)
{
	auto it = doc.find("weights");
	if (it == doc.end() || !it->is_object())
		return r.error("weights is missing or not an object");
	for (auto const &[rule, value] : it->items()) {
		if (!value.is_number() || !std::isfinite(value.get<double>()))
			return r.error("weights." + rule + " is not a finite number");
		m.weights.emplace(rule, value.get<double>());
	}
	return {};
}

tl::expected<void, std::string> read_tokens(reader const &r, json const &doc, model &m)
{
	auto it = doc.find("tokens");
	if (it == doc.end() || it->is_null())
		return {};
	if (!it->is_object())
		return r.error("tokens is not an object");
	auto bits = r.number(*it, "bits", "tokens.bits");
	if (!bits)
		return tl::unexpected(bits.error());
	if (*bits < 8 || *bits > 24 || *bits != std::floor(*bits))
		return r.error("tokens.bits must be a whole number from 8 to 24");
	m.token_settings.bits = static_cast<unsigned>(*bits);
	auto weights = it->find("weights");
	if (weights == it->end() || !weights->is_array())
		return r.error("tokens.weights is missing or not an array");
	std::size_t buckets = std::size_t{1} << m.token_settings.bits;
	m.token_weights.assign(buckets, 0.0f);
	std::size_t index = 0;
	for (auto const &pair : *weights) {
		auto where = "tokens.weights[" + std::to_string(index++) + "]";
		if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_unsigned() ||
		    !pair[1].is_number())
			return r.error(where + " is not a [bucket, weight] pair");
		auto bucket = pair[0].get<std::uint64_t>();
		double w = pair[1].get<double>();
		if (bucket >= buckets || !std::isfinite(w))
			return r.error(where + " has a bucket beyond 2^bits or a weight "
			                       "that is not finite");
		m.token_weights[bucket] = static_cast<float>(w);
	}
	return {};
}

} // namespace

tl::expected<model, std::string> parse_model(std::string_view text, std::string_view origin)
{
	reader r{origin};
	json doc;
	try {
		doc = json::parse(text.begin(), text.end());
	} catch (json::parse_error const &e) {
		return r.error(std::string("not valid JSON (") + e.what() + ")");
	}
	if (!doc.is_object())
		return r.error("the top level is not a JSON object");
	auto format = doc.find("format");
	if (format == doc.end() || !format->is_string() ||
	    format->get<std::string>() != format_name)
		return r.error("format must be \"" + std::string(format_name) + "\"");

	model m;
	if (auto name = doc.find("name"); name != doc.end() && name->is_string())
		m.name = name->get<std::string>();
	if (auto d = doc.find("description"); d != doc.end() && d->is_string())
		m.description = d->get<std::string>();
	auto bias = r.number(doc, "bias", "bias");
	if (!bias)
		return tl::unexpected(bias.error());
	m.bias = *bias;
	if (doc.contains("unknown_rule_weight")) {
		auto unknown = r.number(doc, "unknown_rule_weight", "unknown_rule_weight");
		if (!unknown)
			return tl::unexpected(unknown.error());
		m.unknown_rule_weight = *unknown;
	}
	for (auto step : {read_thresholds, read_weights, read_tokens})
		if (auto done = step(r, doc, m); !done)
			return tl::unexpected(done.error());
	return m;
}

tl::expected<model, std::string> load_model(std::filesystem::path const &file)
{
	std::ifstream in(file, std::ios::binary);
	if (!in)
		return tl::unexpected(file.string() + ": cannot open the model file");
	std::ostringstream text;
	text << in.rdbuf();
	if (in.bad())
		return tl::unexpected(file.string() + ": read error");
	return parse_model(text.str(), file.string());
}

std::string model_to_json(model const &m)
{
	json doc;
	doc["format"] = format_name;
	doc["name"] = m.name;
	doc["description"] = m.description;
	doc["bias"] = m.bias;
	doc["unknown_rule_weight"] = m.unknown_rule_weight;
	doc["thresholds"] = {{"tag", m.limits.tag},
	                     {"quarantine", m.limits.quarantine},
	                     {"reject", m.limits.reject}};
	doc["weights"] = json::object();
	for (auto const &[rule, w] : m.weights)
		doc["weights"][rule] = std::round(w * 10000.0) / 10000.0;
	std::string out = doc.dump(1, '\t');
	if (!m.has_tokens())
		return out + "\n";
	// Token weights one pair a line: the pretty form would spread each
	// pair over four lines.
	out.pop_back(); // the closing brace
	while (!out.empty() && out.back() == '\n')
		out.pop_back();
	out += ",\n\t\"tokens\": {\n\t\t\"bits\": " + std::to_string(m.token_settings.bits) +
	       ",\n\t\t\"weights\": [";
	bool first = true;
	for (std::size_t b = 0; b < m.token_weights.size(); ++b) {
		if (m.token_weights[b] == 0.0f)
			continue;
		out += first ? "\n\t\t\t" : ",\n\t\t\t";
		out += json::array(
		               {b, std::round(static_cast<double>(m.token_weights[b]) * 10000.0) /
		                           10000.0})
		               .dump();
		first = false;
	}
	out += "\n\t\t]\n\t}\n}\n";
	return out;
}

} // namespace ai
