#include "auth_results.hpp"

#include "address.hpp"

namespace milter {
namespace {

// Skips white space and (nested) comments; stops at anything else.
std::string_view skip_cfws(std::string_view s)
{
	int depth = 0;
	while (!s.empty()) {
		char c = s.front();
		if (depth > 0 && c == '\\' && s.size() > 1) {
			s.remove_prefix(2);
			continue;
		}
		if (c == '(')
			++depth;
		else if (c == ')' && depth > 0)
			--depth;
		else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n')
			break;
		s.remove_prefix(1);
	}
	return s;
}

std::string quoted(std::string_view text)
{
	std::string out = "\"";
	for (char c : printable(text, 300)) {
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

std::string comment_text(std::string_view text)
{
	std::string out;
	for (char c : printable(text, 200))
		if (c != '(' && c != ')' && c != '\\')
			out += c;
	return out;
}

// A property value: a token or, when it holds specials, a quoted string.
std::string property_value(std::string_view value)
{
	for (char c : value) {
		auto u = static_cast<unsigned char>(c);
		if (u <= 0x20 || u >= 0x7f || c == ';' || c == '(' || c == ')' || c == '"' ||
		    c == '\\')
			return quoted(value);
	}
	return std::string(value);
}

} // namespace

std::string authserv_id_of(std::string_view header_value)
{
	std::string_view s = skip_cfws(header_value);
	std::size_t end = 0;
	while (end < s.size()) {
		char c = s[end];
		if (c == ';' || c == '(' || c == ' ' || c == '\t' || c == '\r' || c == '\n')
			break;
		++end;
	}
	return std::string(s.substr(0, end));
}

bool claims_authserv_id(std::string_view header_value, std::string_view our_id)
{
	auto id = authserv_id_of(header_value);
	return !id.empty() && to_lower(id) == to_lower(our_id);
}

std::string format_auth_results(std::string_view authserv_id,
                                std::vector<auth_result> const &results)
{
	std::string out(authserv_id);
	if (results.empty())
		return out + "; none";
	for (auto const &r : results) {
		out += ";\n\t" + r.method + "=" + r.result;
		if (!r.reason.empty())
			out += " reason=" + quoted(r.reason);
		if (!r.comment.empty())
			out += " (" + comment_text(r.comment) + ")";
		for (auto const &[name, value] : r.properties)
			out += " " + name + "=" + property_value(value);
	}
	return out;
}

} // namespace milter
