// The visible text of an HTML body, for the wording rules and the token
// model: what the reader sees, not the markup around it.
#include <array>
#include <string_view>
#include <utility>

#include "ai/rules.hpp"
#include "text.hpp"

namespace ai {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 10> entities{{
	{"nbsp;", " "}, {"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""},
	{"apos;", "'"}, {"#39;", "'"}, {"yen;", "\xC2\xA5"}, {"copy;", "\xC2\xA9"},
	{"#160;", " "},
}};

bool starts_with_tag(std::string_view html, std::size_t pos, std::string_view lower_name)
{
	if (pos + lower_name.size() > html.size())
		return false;
	for (std::size_t i = 0; i < lower_name.size(); ++i)
		if (text::lower(html[pos + i]) != lower_name[i])
			return false;
	return true;
}

// Skips from the '<' at `pos` past the closing '>' of the tag (or the
// end of a comment, script or style element); returns the new position.
std::size_t skip_markup(std::string_view html, std::size_t pos)
{
	if (html.substr(pos, 4) == "<!--") {
		auto end = html.find("-->", pos + 4);
		return end == std::string_view::npos ? html.size() : end + 3;
	}
	for (std::string_view element : {"script", "style"}) {
		if (starts_with_tag(html, pos + 1, element)) {
			std::string closing = "</" + std::string(element);
			for (auto end = html.find("</", pos + 1); end != std::string_view::npos;
			     end = html.find("</", end + 2))
				if (starts_with_tag(html, end, closing)) {
					auto close = html.find('>', end);
					return close == std::string_view::npos ? html.size() : close + 1;
				}
			return html.size();
		}
	}
	auto end = html.find('>', pos + 1);
	return end == std::string_view::npos ? html.size() : end + 1;
}

} // namespace

std::string html_to_text(std::string_view html)
{
	std::string out;
	out.reserve(html.size() / 2);
	bool space = true;
	auto put_space = [&] {
		if (!space)
			out += ' ';
		space = true;
	};
	for (std::size_t pos = 0; pos < html.size();) {
		char c = html[pos];
		if (c == '<') {
			pos = skip_markup(html, pos);
			put_space();
			continue;
		}
		if (c == '&') {
			auto rest = html.substr(pos + 1, 8);
			bool decoded = false;
			for (auto const &[name, value] : entities)
				if (rest.starts_with(name)) {
					out += value;
					pos += 1 + name.size();
					decoded = true;
					space = value == " ";
					break;
				}
			if (decoded)
				continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			put_space();
			++pos;
			continue;
		}
		out += c;
		space = false;
		++pos;
	}
	return out;
}

} // namespace ai
