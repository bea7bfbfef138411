// SPF macros (RFC 7208 section 7): syntax checks, expansion and the
// shaping of expanded names into DNS queries.
#include "1dtn/spf_record.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace dtn::spf {
namespace {

enum class token_kind { percent, space, url_space, letter };

// One macro-expand: "%%", "%_", "%-" or "%{" letter transformers
// delimiters "}".
struct macro_token {
	token_kind kind = token_kind::percent;
	char letter = 0;      // lower-case macro letter
	bool escape = false;  // upper-case letter: URL-escape the result
	std::size_t keep = 0; // rightmost parts to keep, 0 = all
	bool reverse = false;
	std::string delimiters; // empty = "."
	std::size_t length = 0; // characters the token spans in the text
};

bool is_delimiter(char c)
{
	switch (c) {
	case '.':
	case '-':
	case '+':
	case ',':
	case '/':
	case '_':
	case '=':
		return true;
	default:
		return false;
	}
}

bool letter_allowed(char lower, macro_use use)
{
	static constexpr std::string_view everywhere = "slodiphv";
	static constexpr std::string_view explanation_only = "crt";
	if (everywhere.find(lower) != std::string_view::npos)
		return true;
	return use == macro_use::explanation &&
	       explanation_only.find(lower) != std::string_view::npos;
}

std::string quoted(std::string_view text)
{
	return "\"" + std::string(text) + "\"";
}

// Reads the transformers and delimiters after the macro letter, up to
// and including the closing brace. `pos` is just past the letter.
tl::expected<std::size_t, std::string> read_transformers(std::string_view text, std::size_t pos,
                                                         macro_token &token)
{
	bool digits = false;
	std::size_t keep = 0;
	while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
		digits = true;
		// Saturate: no name has more than 127 labels anyway.
		keep = std::min<std::size_t>(keep * 10 + static_cast<std::size_t>(text[pos] - '0'),
		                             1000);
		pos++;
	}
	if (digits && keep == 0)
		return tl::unexpected(std::string("a macro may not keep zero parts"));
	token.keep = keep;
	if (pos < text.size() && (text[pos] == 'r' || text[pos] == 'R')) {
		token.reverse = true;
		pos++;
	}
	while (pos < text.size() && is_delimiter(text[pos]))
		token.delimiters += text[pos++];
	if (pos >= text.size())
		return tl::unexpected(std::string("unterminated macro"));
	if (text[pos] != '}')
		return tl::unexpected("unexpected " + quoted(text.substr(pos, 1)) + " in macro");
	return pos + 1;
}

// Parses the macro-expand that starts at text[start] == '%'.
tl::expected<macro_token, std::string> read_macro(std::string_view text, std::size_t start,
                                                  macro_use use)
{
	macro_token token;
	if (start + 1 >= text.size())
		return tl::unexpected(std::string("'%' at the end of a macro-string"));
	char next = text[start + 1];
	token.length = 2;
	switch (next) {
	case '%':
		token.kind = token_kind::percent;
		return token;
	case '_':
		token.kind = token_kind::space;
		return token;
	case '-':
		token.kind = token_kind::url_space;
		return token;
	case '{':
		break;
	default:
		return tl::unexpected("'%' followed by " + quoted(text.substr(start + 1, 1)));
	}
	if (start + 2 >= text.size())
		return tl::unexpected(std::string("unterminated macro"));
	char letter = text[start + 2];
	bool upper = letter >= 'A' && letter <= 'Z';
	char lower = upper ? static_cast<char>(letter - 'A' + 'a') : letter;
	if (!letter_allowed(lower, use))
		return tl::unexpected(
		        "macro letter " + quoted(text.substr(start + 2, 1)) +
		        (use == macro_use::domain ? " not allowed outside exp text" : " unknown"));
	token.kind = token_kind::letter;
	token.letter = lower;
	token.escape = upper;
	auto end = read_transformers(text, start + 3, token);
	if (!end)
		return tl::unexpected(end.error());
	token.length = *end - start;
	return token;
}

std::string letter_value(char letter, macro_values const &values,
                         std::optional<std::string> &validated)
{
	switch (letter) {
	case 's':
		return values.sender;
	case 'l':
		return values.local_part;
	case 'o':
		return values.sender_domain;
	case 'd':
		return values.domain;
	case 'i':
		return dotted_form(values.client);
	case 'p':
		if (!validated)
			validated = values.validated_name ? values.validated_name()
			                                  : std::string("unknown");
		return *validated;
	case 'h':
		return values.helo;
	case 'v':
		return values.client.v6 ? "ip6" : "in-addr";
	case 'c':
		return to_text(values.client);
	case 'r':
		return values.receiver;
	case 't':
		return std::to_string(values.now);
	default:
		return {};
	}
}

// Splits on the delimiters, reverses, keeps the rightmost parts and
// joins with dots (RFC 7208 section 7.3).
std::string transform(std::string_view value, macro_token const &token)
{
	std::string_view delimiters = token.delimiters;
	if (delimiters.empty())
		delimiters = ".";
	std::vector<std::string_view> parts;
	std::size_t begin = 0;
	for (std::size_t i = 0; i <= value.size(); i++) {
		if (i == value.size() || delimiters.find(value[i]) != std::string_view::npos) {
			parts.push_back(value.substr(begin, i - begin));
			begin = i + 1;
		}
	}
	if (token.reverse)
		std::reverse(parts.begin(), parts.end());
	std::size_t first = 0;
	if (token.keep != 0 && token.keep < parts.size())
		first = parts.size() - token.keep;
	std::string out;
	for (std::size_t i = first; i < parts.size(); i++) {
		if (i != first)
			out += '.';
		out += parts[i];
	}
	return out;
}

std::string url_escape(std::string_view value)
{
	static constexpr char hex[] = "0123456789ABCDEF";
	std::string out;
	for (char c : value) {
		auto byte = static_cast<unsigned char>(c);
		if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
			out += c;
		} else {
			out += '%';
			out += hex[byte >> 4];
			out += hex[byte & 0xf];
		}
	}
	return out;
}

// The RFC 7208 toplabel: letters, digits and hyphens, not all digits,
// beginning and ending with a letter or digit.
bool is_toplabel(std::string_view label)
{
	if (label.empty() || label.front() == '-' || label.back() == '-')
		return false;
	bool alpha = false;
	for (char c : label) {
		auto byte = static_cast<unsigned char>(c);
		if (!std::isalnum(byte) && c != '-')
			return false;
		alpha = alpha || std::isalpha(byte) || c == '-';
	}
	return alpha;
}

} // namespace

tl::expected<void, std::string> check_macro_string(std::string_view text, macro_use use)
{
	for (std::size_t pos = 0; pos < text.size(); pos++) {
		if (text[pos] != '%')
			continue;
		auto token = read_macro(text, pos, use);
		if (!token)
			return tl::unexpected(token.error());
		pos += token->length - 1;
	}
	return {};
}

tl::expected<void, std::string> check_domain_spec(std::string_view spec)
{
	if (spec.empty())
		return tl::unexpected(std::string("empty domain-spec"));
	for (char c : spec) {
		if (c < 0x21 || c > 0x7e)
			return tl::unexpected("domain-spec " + quoted(spec) +
			                      " has a character that is not visible ASCII");
	}
	std::size_t literal_start = 0; // where the text after the last macro begins
	for (std::size_t pos = 0; pos < spec.size(); pos++) {
		if (spec[pos] != '%')
			continue;
		auto token = read_macro(spec, pos, macro_use::domain);
		if (!token)
			return tl::unexpected("domain-spec " + quoted(spec) + ": " + token.error());
		pos += token->length - 1;
		literal_start = pos + 1;
	}
	if (literal_start == spec.size())
		return {}; // ends with a macro-expand
	std::string_view tail = spec.substr(literal_start);
	if (tail.back() == '.')
		tail.remove_suffix(1);
	auto dot = tail.rfind('.');
	if (dot == std::string_view::npos || !is_toplabel(tail.substr(dot + 1)))
		return tl::unexpected("domain-spec " + quoted(spec) +
		                      " does not end in a valid top-level label");
	return {};
}

tl::expected<std::string, std::string> expand_macros(std::string_view text,
                                                     macro_values const &values, macro_use use)
{
	std::string out;
	out.reserve(text.size() + 32);
	std::optional<std::string> validated;
	for (std::size_t pos = 0; pos < text.size(); pos++) {
		if (text[pos] != '%') {
			out += text[pos];
			continue;
		}
		auto token = read_macro(text, pos, use);
		if (!token)
			return tl::unexpected(token.error());
		pos += token->length - 1;
		switch (token->kind) {
		case token_kind::percent:
			out += '%';
			break;
		case token_kind::space:
			out += ' ';
			break;
		case token_kind::url_space:
			out += "%20";
			break;
		case token_kind::letter: {
			auto value =
			        transform(letter_value(token->letter, values, validated), *token);
			out += token->escape ? url_escape(value) : value;
			break;
		}
		}
	}
	return out;
}

std::string query_name(std::string_view expanded)
{
	if (!expanded.empty() && expanded.back() == '.')
		expanded.remove_suffix(1);
	while (expanded.size() > 253) {
		auto dot = expanded.find('.');
		if (dot == std::string_view::npos)
			break;
		expanded.remove_prefix(dot + 1);
	}
	return std::string(expanded);
}

bool is_queryable(std::string_view name)
{
	if (name.empty() || name.size() > 253)
		return false;
	std::size_t label = 0;
	for (char c : name) {
		if (c != '.') {
			if (++label > 63)
				return false;
			continue;
		}
		if (label == 0)
			return false;
		label = 0;
	}
	return label != 0;
}

} // namespace dtn::spf
