// Splitting a message into header fields and body, and the simple and
// relaxed canonicalizations of RFC 6376 section 3.4.
#include "1dtn/dkim.hpp"

namespace dtn {
namespace {

bool is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

// The next line of `text` without its line end; advances past the end.
// `terminated` tells whether a LF (or CRLF) ended it.
std::string_view next_line(std::string_view &text, bool &terminated)
{
	auto lf = text.find('\n');
	terminated = lf != std::string_view::npos;
	auto line = text.substr(0, lf);
	text.remove_prefix(terminated ? lf + 1 : text.size());
	if (terminated && !line.empty() && line.back() == '\r')
		line.remove_suffix(1);
	return line;
}

std::string field_name(std::string_view line)
{
	auto colon = line.find(':');
	if (colon == std::string_view::npos)
		return {};
	auto name = line.substr(0, colon);
	while (!name.empty() && is_wsp(name.back()))
		name.remove_suffix(1);
	return std::string(name);
}

// Appends `text` with every run of WSP replaced by one space and the
// WSP at its end dropped.
void append_collapsed(std::string &out, std::string_view text)
{
	std::size_t i = 0;
	while (i < text.size()) {
		std::size_t run = i;
		while (run < text.size() && !is_wsp(text[run]))
			++run;
		out.append(text.data() + i, run - i);
		i = run;
		while (i < text.size() && is_wsp(text[i]))
			++i;
		if (i > run && i < text.size())
			out.push_back(' ');
	}
}

void drop_trailing_empty_lines(std::string &body)
{
	while (body.size() >= 4 && body.compare(body.size() - 4, 4, "\r\n\r\n") == 0)
		body.resize(body.size() - 2);
}

} // namespace

dkim_message dkim_split_message(std::string_view message)
{
	dkim_message out;
	bool terminated = false;
	while (!message.empty()) {
		auto line = next_line(message, terminated);
		if (line.empty() && terminated)
			break; // the empty line between header and body
		if (is_wsp(line.front()) && !out.headers.empty()) {
			out.headers.back().raw.append("\r\n").append(line);
			continue;
		}
		// A line without a colon, or a continuation with nothing to
		// continue, keeps an empty name: no h= entry can select it.
		out.headers.push_back({field_name(line), std::string(line)});
	}
	out.body.reserve(message.size() + message.size() / 32);
	while (!message.empty()) {
		auto line = next_line(message, terminated);
		out.body.append(line);
		if (terminated)
			out.body.append("\r\n");
	}
	return out;
}

std::string dkim_canon_header(std::string_view raw_field, dkim_canon canon)
{
	if (canon == dkim_canon::simple)
		return std::string(raw_field) + "\r\n";
	std::string out;
	out.reserve(raw_field.size() + 2);
	auto colon = raw_field.find(':');
	auto name = raw_field.substr(0, colon);
	while (!name.empty() && is_wsp(name.back()))
		name.remove_suffix(1);
	for (char c : name)
		out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
	if (colon != std::string_view::npos) {
		out.push_back(':');
		std::string unfolded;
		unfolded.reserve(raw_field.size() - colon);
		for (char c : raw_field.substr(colon + 1))
			if (c != '\r' && c != '\n')
				unfolded.push_back(c);
		std::string_view value = unfolded;
		while (!value.empty() && is_wsp(value.front()))
			value.remove_prefix(1);
		append_collapsed(out, value);
	}
	out.append("\r\n");
	return out;
}

std::string dkim_canon_body(std::string_view body, dkim_canon canon)
{
	std::string out;
	out.reserve(body.size() + 2);
	if (canon == dkim_canon::simple) {
		out.assign(body);
		if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)
			out.append("\r\n");
		drop_trailing_empty_lines(out);
		return out;
	}
	while (!body.empty()) {
		auto crlf = body.find("\r\n");
		append_collapsed(out, body.substr(0, crlf));
		out.append("\r\n");
		body.remove_prefix(crlf == std::string_view::npos ? body.size() : crlf + 2);
	}
	drop_trailing_empty_lines(out);
	if (out == "\r\n")
		out.clear(); // a body of empty lines is an empty body
	return out;
}

} // namespace dtn
