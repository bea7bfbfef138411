#include "ai/html.hpp"

#include "text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace ai {
namespace {

char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view s, std::size_t pos, std::string_view prefix)
{
	if (pos + prefix.size() > s.size())
		return false;
	for (std::size_t i = 0; i < prefix.size(); ++i)
		if (ascii_lower(s[pos + i]) != prefix[i])
			return false;
	return true;
}

std::size_t find_nocase(std::string_view s, std::string_view needle, std::size_t from)
{
	if (needle.empty())
		return from;
	char lower = needle[0];
	char upper = lower >= 'a' && lower <= 'z' ? static_cast<char>(lower - 'a' + 'A') : lower;
	std::size_t next_lower = s.find(lower, from);
	std::size_t next_upper = upper == lower ? std::string_view::npos : s.find(upper, from);
	for (;;) {
		std::size_t i = std::min(next_lower, next_upper);
		if (i == std::string_view::npos || i + needle.size() > s.size())
			return std::string_view::npos;
		if (starts_with_nocase(s, i, needle))
			return i;
		if (i == next_lower)
			next_lower = s.find(lower, i + 1);
		else
			next_upper = s.find(upper, i + 1);
	}
}

bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// Entities may name code points that have no UTF-8 form (0, surrogates,
// beyond U+10FFFF): those become U+FFFD before encoding.
void append_utf8(std::string &out, std::uint32_t cp)
{
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	text::append_utf8(out, cp);
}

// Decodes the character reference at s[pos] == '&' into `out`; returns
// the bytes consumed (1 if it was not a reference we know).
std::size_t decode_reference(std::string_view s, std::size_t pos, std::string &out)
{
	struct named {
		std::string_view name;
		std::uint32_t cp;
	};
	static constexpr named names[] = {{"amp;", '&'},  {"lt;", '<'},     {"gt;", '>'},
	                                  {"quot;", '"'}, {"apos;", '\''},  {"nbsp;", ' '},
	                                  {"shy;", 0xAD}, {"zwj;", 0x200D}, {"zwnj;", 0x200C}};
	std::string_view rest = s.substr(pos + 1);
	if (!rest.empty() && rest[0] == '#') {
		std::size_t i = 1;
		bool hex = i < rest.size() && (rest[i] == 'x' || rest[i] == 'X');
		if (hex)
			++i;
		std::uint32_t cp = 0;
		std::size_t digits = 0;
		for (; i < rest.size() && digits < 8; ++i, ++digits) {
			char c = ascii_lower(rest[i]);
			int v = c >= '0' && c <= '9'          ? c - '0'
			        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
			                                      : -1;
			if (v < 0)
				break;
			cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
		}
		if (digits == 0)
			return 1;
		if (i < rest.size() && rest[i] == ';')
			++i;
		append_utf8(out, cp);
		return i + 1;
	}
	for (auto const &n : names)
		if (rest.starts_with(n.name)) {
			append_utf8(out, n.cp);
			return n.name.size() + 1;
		}
	out += '&';
	return 1;
}

// Appends `s` with references decoded and runs of white space folded
// into one space.
void append_text(std::string &out, std::string_view s)
{
	for (std::size_t i = 0; i < s.size();) {
		char c = s[i];
		if (is_space(c)) {
			if (!out.empty() && out.back() != ' ')
				out += ' ';
			++i;
		} else if (c == '&') {
			i += decode_reference(s, i, out);
		} else {
			out += c;
			++i;
		}
	}
}

std::string trim(std::string s)
{
	while (!s.empty() && s.back() == ' ')
		s.pop_back();
	std::size_t start = 0;
	while (start < s.size() && s[start] == ' ')
		++start;
	return s.substr(start);
}

// The end of the tag opened at `lt` (index after '>'), quotes respected.
std::size_t tag_end(std::string_view html, std::size_t lt)
{
	char quote = 0;
	for (std::size_t i = lt + 1; i < html.size(); ++i) {
		char c = html[i];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			return i + 1;
		}
	}
	return html.size();
}

// The value of attribute `name` inside a tag's text, or npos-marked empty.
bool attribute(std::string_view tag, std::string_view name, std::string &value)
{
	for (std::size_t i = 0; i < tag.size(); ++i) {
		i = find_nocase(tag, name, i);
		if (i == std::string_view::npos)
			return false;
		if (i == 0 || !is_space(tag[i - 1]))
			continue;
		std::size_t j = i + name.size();
		while (j < tag.size() && is_space(tag[j]))
			++j;
		if (j >= tag.size() || tag[j] != '=')
			continue;
		++j;
		while (j < tag.size() && is_space(tag[j]))
			++j;
		std::size_t end;
		if (j < tag.size() && (tag[j] == '"' || tag[j] == '\'')) {
			char quote = tag[j++];
			end = tag.find(quote, j);
			if (end == std::string_view::npos)
				end = tag.size();
		} else {
			end = j;
			while (end < tag.size() && !is_space(tag[end]) && tag[end] != '>')
				++end;
		}
		value.clear();
		append_text(value, tag.substr(j, end - j));
		value = trim(std::move(value));
		return true;
	}
	return false;
}

// Visible text between `from` and the closing `close` tag (exclusive),
// tags dropped. Sets `next` after the closing tag.
std::string element_text(std::string_view html, std::size_t from, std::string_view close,
                         std::size_t &next)
{
	// Anchors are short; an unclosed one must not make every later
	// anchor scan the rest of the document.
	std::string_view window = html.substr(0, std::min(html.size(), from + 65536));
	std::size_t end = find_nocase(window, close, from);
	if (end == std::string_view::npos)
		end = std::min(html.size(), from + 2000);
	next = std::min(html.size(), end + close.size());
	std::string text;
	std::size_t i = from;
	while (i < end) {
		std::size_t lt = html.find('<', i);
		if (lt == std::string_view::npos || lt >= end) {
			append_text(text, html.substr(i, end - i));
			break;
		}
		append_text(text, html.substr(i, lt - i));
		i = std::min(end, tag_end(html, lt));
	}
	return trim(std::move(text));
}

bool url_char(char c)
{
	unsigned char u = static_cast<unsigned char>(c);
	return u > 0x20 && c != '<' && c != '>' && c != '"' && c != '\'' && c != '`' && u != 0x7F;
}

} // namespace

std::vector<link> html_links(std::string_view html, std::size_t max_links)
{
	std::vector<link> links;
	std::size_t pos = 0;
	while (links.size() < max_links) {
		std::size_t lt = html.find('<', pos);
		if (lt == std::string_view::npos)
			break;
		pos = lt + 1;
		bool anchor = starts_with_nocase(html, pos, "a") && pos + 1 < html.size() &&
		              is_space(html[pos + 1]);
		bool area = starts_with_nocase(html, pos, "area") && pos + 4 < html.size() &&
		            is_space(html[pos + 4]);
		if (!anchor && !area)
			continue;
		std::size_t end = tag_end(html, lt);
		std::string href;
		if (!attribute(html.substr(lt, end - lt), "href", href)) {
			pos = end;
			continue;
		}
		link l;
		l.url = std::move(href);
		if (anchor)
			l.text = element_text(html, end, "</a", pos);
		else
			pos = end;
		links.push_back(std::move(l));
	}
	return links;
}

std::vector<link> text_links(std::string_view text, std::size_t max_links)
{
	std::vector<link> links;
	std::size_t pos = 0;
	std::size_t http = find_nocase(text, "http", 0);
	std::size_t www = find_nocase(text, "www.", 0);
	while (links.size() < max_links && pos < text.size()) {
		if (http != std::string_view::npos && http < pos)
			http = find_nocase(text, "http", pos);
		if (www != std::string_view::npos && www < pos)
			www = find_nocase(text, "www.", pos);
		std::size_t start = std::min(http, www);
		if (start == std::string_view::npos)
			break;
		bool is_http = start == http && (starts_with_nocase(text, start, "http://") ||
		                                 starts_with_nocase(text, start, "https://"));
		bool is_www = start == www &&
		              (start == 0 || !url_char(text[start - 1]) || text[start - 1] == '(');
		if (!is_http && !is_www) {
			pos = start + 1;
			continue;
		}
		std::size_t end = start;
		while (end < text.size() && url_char(text[end]))
			++end;
		while (end > start && std::strchr(".,;:!?)]}", text[end - 1]))
			--end; // sentence punctuation after the URL
		std::size_t min_length = is_http ? 10 : 6;
		if (end - start >= min_length)
			links.push_back({std::string(text.substr(start, end - start)), ""});
		pos = std::max(end, start + 1);
	}
	return links;
}

std::string html_visible_text(std::string_view html)
{
	std::string text;
	text.reserve(html.size() / 2);
	std::size_t i = 0;
	while (i < html.size()) {
		std::size_t lt = html.find('<', i);
		if (lt == std::string_view::npos) {
			append_text(text, html.substr(i));
			break;
		}
		append_text(text, html.substr(i, lt - i));
		std::size_t end = tag_end(html, lt);
		if (starts_with_nocase(html, lt + 1, "script") ||
		    starts_with_nocase(html, lt + 1, "style")) {
			std::string_view close =
			        starts_with_nocase(html, lt + 1, "script") ? "</script" : "</style";
			std::size_t closing = find_nocase(html, close, end);
			end = closing == std::string_view::npos ? html.size()
			                                        : tag_end(html, closing);
		} else if (starts_with_nocase(html, lt + 1, "!--")) {
			std::size_t closing = html.find("-->", lt + 4);
			end = closing == std::string_view::npos ? html.size() : closing + 3;
		}
		if (!text.empty() && text.back() != ' ')
			text += ' ';
		i = end;
	}
	return trim(std::move(text));
}

} // namespace ai
