#include "1dtn/record.hpp"

#include <algorithm>
#include <cstdio>

#include "1dtn/domain.hpp"
#include "1dtn/pattern.hpp"

namespace dtn {
namespace {

constexpr std::string_view version_tag = "v=1dtn1";

bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text)
{
	while (!text.empty() && is_wsp(text.front()))
		text.remove_prefix(1);
	while (!text.empty() && is_wsp(text.back()))
		text.remove_suffix(1);
	return text;
}

std::string lower(std::string_view text)
{
	std::string out(text);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

std::string quoted(std::string_view text)
{
	return "'" + std::string(text) + "'";
}

// Value characters of the grammar: visible ASCII except ';', white
// space, and any octet of a non-ASCII UTF-8 sequence.
bool is_value_char(char c)
{
	auto u = static_cast<unsigned char>(c);
	return is_wsp(c) || (u >= 0x21 && u <= 0x7e && c != ';') || u >= 0x80;
}

tl::expected<void, std::string> check_name(std::string_view name)
{
	if (name.empty())
		return tl::unexpected(std::string("a tag has an empty name"));
	if (!is_alpha(name.front()) || !std::all_of(name.begin(), name.end(), [](char c) {
		    return is_alpha(c) || is_digit(c) || c == '-';
	    }))
		return tl::unexpected("tag name " + quoted(name) +
		                      " is not a letter followed by letters, digits or '-'");
	return {};
}

std::vector<std::string_view> split_list(std::string_view value)
{
	std::vector<std::string_view> items;
	while (true) {
		auto comma = value.find(',');
		items.push_back(trim(value.substr(0, comma)));
		if (comma == std::string_view::npos)
			break;
		value.remove_prefix(comma + 1);
	}
	return items;
}

// A trust pattern: a domain, or "*." and a domain.
tl::expected<std::string, std::string> parse_pattern(std::string_view entry)
{
	bool wildcard = entry.starts_with("*.");
	auto domain = to_a_label(wildcard ? entry.substr(2) : entry);
	if (!domain)
		return tl::unexpected("trust entry " + quoted(entry) +
		                      " is not a domain pattern: " + domain.error());
	return wildcard ? "*." + *domain : *domain;
}

tl::expected<std::vector<std::string>, std::string> parse_trust(std::string_view value)
{
	std::vector<std::string> patterns;
	if (value.empty())
		return patterns;
	for (auto entry : split_list(value)) {
		auto pattern = parse_pattern(entry);
		if (!pattern)
			return tl::unexpected(pattern.error());
		patterns.push_back(std::move(*pattern));
	}
	return patterns;
}

tl::expected<std::vector<std::string>, std::string> parse_includes(std::string_view value)
{
	std::vector<std::string> domains;
	if (value.empty())
		return tl::unexpected(std::string("include tag has an empty value"));
	for (auto entry : split_list(value)) {
		auto domain = to_a_label(entry);
		if (!domain)
			return tl::unexpected("include entry " + quoted(entry) +
			                      " is not a domain: " + domain.error());
		domains.push_back(std::move(*domain));
	}
	return domains;
}

tl::expected<auth_method, std::string> parse_auth(std::string_view value)
{
	bool spf = false, dkim = false, none = false;
	for (auto entry : split_list(value)) {
		std::string method = lower(entry);
		bool *seen = method == "spf"    ? &spf
		             : method == "dkim" ? &dkim
		             : method == "none" ? &none
		                                : nullptr;
		if (!seen || *seen)
			return tl::unexpected("auth value " + quoted(value) +
			                      " is not spf, dkim, " + "spf,dkim or none");
		*seen = true;
	}
	if (none && (spf || dkim))
		return tl::unexpected("auth value " + quoted(value) +
		                      " combines none with a method");
	if (none)
		return auth_method::none;
	if (spf && dkim)
		return auth_method::spf_or_dkim;
	return dkim ? auth_method::dkim : auth_method::spf;
}

struct tag {
	std::string name; // lower-case
	std::string_view value;
};

tl::expected<tag, std::string> split_tag(std::string_view text)
{
	auto equals = text.find('=');
	if (equals == std::string_view::npos)
		return tl::unexpected("tag " + quoted(trim(text)) + " has no '='");
	auto name = trim(text.substr(0, equals));
	if (auto ok = check_name(name); !ok)
		return tl::unexpected(ok.error());
	auto value = trim(text.substr(equals + 1));
	for (char c : value)
		if (!is_value_char(c)) {
			char hex[8];
			std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(c));
			return tl::unexpected("value of tag " + quoted(name) +
			                      " contains the character " + hex);
		}
	return tag{lower(name), value};
}

// Applies one tag to the record; `seen` tracks the known tags already set.
tl::expected<void, std::string> apply_tag(record &rec, tag const &t, std::vector<std::string> &seen)
{
	bool known = t.name == "trust" || t.name == "include" || t.name == "auth";
	if (!known) {
		rec.ignored_tags.push_back(t.name);
		return {};
	}
	if (std::find(seen.begin(), seen.end(), t.name) != seen.end())
		return tl::unexpected("tag " + quoted(t.name) + " appears more than once");
	seen.push_back(t.name);

	if (t.name == "trust") {
		auto patterns = parse_trust(t.value);
		if (!patterns)
			return tl::unexpected(patterns.error());
		rec.trust = std::move(*patterns);
	} else if (t.name == "include") {
		auto domains = parse_includes(t.value);
		if (!domains)
			return tl::unexpected(domains.error());
		rec.includes = std::move(*domains);
	} else {
		auto method = parse_auth(t.value);
		if (!method)
			return tl::unexpected(method.error());
		rec.auth = *method;
	}
	return {};
}

} // namespace

std::string_view to_string(auth_method method)
{
	switch (method) {
	case auth_method::spf:
		return "spf";
	case auth_method::dkim:
		return "dkim";
	case auth_method::spf_or_dkim:
		return "spf,dkim";
	case auth_method::none:
		return "none";
	}
	return "unknown";
}

bool is_1dtn_record(std::string_view txt)
{
	if (!txt.starts_with(version_tag))
		return false;
	return txt.size() == version_tag.size() || txt[version_tag.size()] == ';' ||
	       is_wsp(txt[version_tag.size()]);
}

tl::expected<record, std::string> parse_record(std::string_view text)
{
	if (!is_1dtn_record(text))
		return tl::unexpected(std::string("record does not start with the version tag "
		                                  "v=1dtn1"));
	std::string_view rest = text.substr(version_tag.size());
	record rec;
	std::vector<std::string> seen;

	// After the version: *( *WSP ";" *WSP tag ) *WSP [";" *WSP]
	while (true) {
		rest = trim(rest);
		if (rest.empty())
			break;
		if (rest.front() != ';')
			return tl::unexpected("expected ';' before " + quoted(rest.substr(0, 20)));
		rest.remove_prefix(1);
		auto end = rest.find(';');
		auto body = rest.substr(0, end);
		if (trim(body).empty()) {
			if (end == std::string_view::npos)
				break; // one trailing ';' is allowed
			return tl::unexpected(std::string("empty tag between two ';'"));
		}
		auto t = split_tag(body);
		if (!t)
			return tl::unexpected(t.error());
		if (auto ok = apply_tag(rec, *t, seen); !ok)
			return tl::unexpected(ok.error());
		if (end == std::string_view::npos)
			break;
		rest.remove_prefix(end);
	}
	return rec;
}

namespace {

std::string tag_name(std::string_view segment)
{
	return lower(trim(segment.substr(0, segment.find('='))));
}

void lint_patterns(record const &rec, std::vector<lint_finding> &findings)
{
	if (rec.trust.empty() && rec.includes.empty())
		findings.push_back({false, "the declaration trusts no domain"});
	for (auto const &pattern : rec.trust) {
		if (!pattern.starts_with("*."))
			continue;
		// "*.P" covers everyone when P is itself a public suffix, that
		// is when x.P is a registrable domain.
		auto child = "x." + pattern.substr(2);
		if (organizational_domain(child) == child)
			findings.push_back(
			        {false, "pattern " + quoted(pattern) +
			                        " trusts every domain under a public suffix"});
	}
	if (rec.auth == auth_method::none)
		findings.push_back({false,
		                    "auth=none: receivers do not authenticate mail from this "
		                    "domain (weak)"});
	for (auto const &name : rec.ignored_tags)
		findings.push_back({false, "unknown tag " + quoted(name) + " is ignored"});
}

} // namespace

std::vector<lint_finding> lint_record(std::string_view text)
{
	std::vector<lint_finding> findings;
	if (!is_1dtn_record(text)) {
		findings.push_back({true, "the text does not start with the version tag v=1dtn1"});
		return findings;
	}
	std::string_view rest = trim(text.substr(version_tag.size()));
	if (!rest.empty() && rest.front() != ';')
		findings.push_back({true, "expected ';' after the version tag"});
	if (!rest.empty() && rest.front() == ';')
		rest.remove_prefix(1);

	// Each tag alone, so that one mistake does not hide the next.
	std::vector<std::string> seen;
	std::vector<std::string_view> segments;
	while (true) {
		auto end = rest.find(';');
		segments.push_back(rest.substr(0, end));
		if (end == std::string_view::npos)
			break;
		rest.remove_prefix(end + 1);
	}
	for (std::size_t i = 0; i < segments.size(); ++i) {
		auto segment = trim(segments[i]);
		if (segment.empty()) {
			if (i + 1 < segments.size())
				findings.push_back({true, "empty tag between two ';'"});
			continue;
		}
		if (auto alone = parse_record("v=1dtn1; " + std::string(segment)); !alone)
			findings.push_back({true, alone.error()});
		auto name = tag_name(segment);
		bool known = name == "trust" || name == "include" || name == "auth";
		if (known && std::find(seen.begin(), seen.end(), name) != seen.end())
			findings.push_back(
			        {true, "tag " + quoted(name) + " appears more than once"});
		if (known)
			seen.push_back(name);
	}

	if (auto whole = parse_record(text); whole)
		lint_patterns(*whole, findings);
	return findings;
}

tl::expected<std::optional<std::string>, std::string>
select_record(std::vector<std::string> const &txt_records)
{
	std::optional<std::string> chosen;
	for (auto const &txt : txt_records) {
		if (!is_1dtn_record(txt))
			continue;
		if (chosen)
			return tl::unexpected(std::string("more than one 1DTN record"));
		chosen = txt;
	}
	return chosen;
}

} // namespace dtn
