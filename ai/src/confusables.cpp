// The confusable skeleton: a compact table of look-alike characters,
// written for this project after the idea of Unicode TR39. It covers
// Cyrillic and Greek letters that pass for Latin ones, accented Latin
// letters, full-width forms and a few ASCII pairs ("rn" for 'm').
#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "ai/domain.hpp"
#include "text.hpp"

namespace ai {
namespace {

// Base letters of U+00C0..U+00FF; '_' keeps the character as it is.
constexpr std::string_view latin1_base =
        "AAAAAA_CEEEEIIIIDNOOOOO_OUUUUY__aaaaaa_ceeeeiiii_nooooo_ouuuuy_y";

// Base letters of U+0100..U+017F (Latin Extended-A).
constexpr std::string_view latin_extended_a_base =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi__JjKkkLlLlLlLlLl"
        "NnNnNnnNnOoOoOo__RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

static_assert(latin1_base.size() == 64);
static_assert(latin_extended_a_base.size() == 128);

// Cyrillic, Greek and other letters that look like one Latin letter.
constexpr std::array<std::pair<char32_t, char>, 72> look_alikes{{
        {U'\u0430', 'a'}, {U'\u0435', 'e'}, {U'\u0451', 'e'}, {U'\u043E', 'o'}, {U'\u0440', 'p'},
        {U'\u0441', 'c'}, {U'\u0443', 'y'}, {U'\u0445', 'x'}, {U'\u0456', 'i'}, {U'\u0457', 'i'},
        {U'\u0458', 'j'}, {U'\u0455', 's'}, {U'\u04BB', 'h'}, {U'\u04CF', 'l'}, {U'\u0501', 'd'},
        {U'\u051B', 'q'}, {U'\u051D', 'w'}, {U'\u043A', 'k'}, {U'\u044C', 'b'}, {U'\u0432', 'b'},
        {U'\u0410', 'a'}, {U'\u0412', 'b'}, {U'\u0415', 'e'}, {U'\u041A', 'k'}, {U'\u041C', 'm'},
        {U'\u041D', 'h'}, {U'\u041E', 'o'}, {U'\u0420', 'p'}, {U'\u0421', 'c'}, {U'\u0422', 't'},
        {U'\u0425', 'x'}, {U'\u0423', 'y'}, {U'\u0406', 'l'}, {U'\u0408', 'j'}, {U'\u0405', 's'},
        {U'\u03B1', 'a'}, {U'\u03B9', 'i'}, {U'\u03BA', 'k'}, {U'\u03BD', 'v'}, {U'\u03BF', 'o'},
        {U'\u03C1', 'p'}, {U'\u03C4', 't'}, {U'\u03C5', 'u'}, {U'\u03C7', 'x'}, {U'\u03C9', 'w'},
        {U'\u03B3', 'y'}, {U'\u0391', 'a'}, {U'\u0392', 'b'}, {U'\u0395', 'e'}, {U'\u0396', 'z'},
        {U'\u0397', 'h'}, {U'\u0399', 'l'}, {U'\u039A', 'k'}, {U'\u039C', 'm'}, {U'\u039D', 'n'},
        {U'\u039F', 'o'}, {U'\u03A1', 'p'}, {U'\u03A4', 't'}, {U'\u03A5', 'y'}, {U'\u03A7', 'x'},
        {U'\u0131', 'i'}, {U'\u0237', 'j'}, {U'\u0251', 'a'}, {U'\u0261', 'g'}, {U'\u0269', 'i'},
        {U'\u026A', 'i'}, {U'\u0280', 'r'}, {U'\u028F', 'y'}, {U'\u1D0F', 'o'}, {U'\u2113', 'l'},
        {U'\u2170', 'i'}, {U'\u217C', 'l'},
}};

// The prototype of one code point: a Latin letter, or 0 to keep it.
char prototype(std::uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E) // full-width ASCII
		cp -= 0xFEE0;
	if (cp < 0x80) {
		char c = static_cast<char>(cp);
		if (c == 'I' || c == '|' || c == '1')
			return 'l';
		if (c == '0')
			return 'o';
		return text::lower(c);
	}
	char base = 0;
	if (cp >= 0xC0 && cp <= 0xFF)
		base = latin1_base[cp - 0xC0];
	else if (cp >= 0x100 && cp <= 0x17F)
		base = latin_extended_a_base[cp - 0x100];
	if (base != 0 && base != '_')
		return text::lower(base);
	auto found = std::find_if(look_alikes.begin(), look_alikes.end(),
	                          [cp](auto const &entry) { return entry.first == cp; });
	return found != look_alikes.end() ? found->second : 0;
}

// Copies `s` with every `from` replaced by `to` (building a new string:
// GCC 12 warns falsely about std::string::replace in place at -O2).
std::string replace_all(std::string const &s, std::string_view from, std::string_view to)
{
	std::string out;
	out.reserve(s.size());
	for (std::size_t pos = 0; pos < s.size();) {
		if (std::string_view(s).substr(pos, from.size()) == from) {
			out += to;
			pos += from.size();
		} else {
			out += s[pos++];
		}
	}
	return out;
}

enum class script { other, latin, cyrillic, greek };

script script_of(std::uint32_t cp)
{
	if (cp < 0x80)
		return text::is_alpha(static_cast<char>(cp)) ? script::latin : script::other;
	if ((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF))
		return script::latin;
	if (cp >= 0x400 && cp <= 0x52F)
		return script::cyrillic;
	if (cp >= 0x370 && cp <= 0x3FF)
		return script::greek;
	return script::other;
}

} // namespace

std::string confusable_skeleton(std::string_view utf8)
{
	std::string out;
	out.reserve(utf8.size());
	for (std::size_t pos = 0; pos < utf8.size();) {
		std::uint32_t cp = text::next_code_point(utf8, pos);
		if (char p = prototype(cp); p != 0)
			out += p;
		else
			text::append_utf8(out, cp);
	}
	out = replace_all(out, "rn", "m");
	out = replace_all(out, "vv", "w");
	return replace_all(out, "cl", "d");
}

bool looks_like_homograph(std::string_view utf8_label)
{
	bool latin = false, foreign = false, ascii_only = true, all_map = true;
	for (std::size_t pos = 0; pos < utf8_label.size();) {
		std::uint32_t cp = text::next_code_point(utf8_label, pos);
		script s = script_of(cp);
		latin = latin || s == script::latin;
		foreign = foreign || s == script::cyrillic || s == script::greek;
		if (cp >= 0x80) {
			ascii_only = false;
			all_map = all_map && (s == script::cyrillic || s == script::greek) &&
			          prototype(cp) != 0;
		}
	}
	if (latin && foreign)
		return true;
	// A label written wholly in Cyrillic or Greek letters that all pass
	// for Latin ones ("раураl") imitates an ASCII name.
	return !ascii_only && foreign && all_map;
}

} // namespace ai
