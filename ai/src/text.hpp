// Small text helpers shared by the rule files (private to the library).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ai::text {

// Decodes the UTF-8 sequence at `pos` and advances past it. A byte that
// does not start a valid sequence comes back as itself, one at a time.
inline std::uint32_t next_code_point(std::string_view s, std::size_t &pos)
{
	auto byte = [&](std::size_t i) {
		return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i]));
	};
	std::uint32_t first = byte(pos);
	std::size_t length = first < 0xC0 ? 1 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : 2;
	if (length == 1 || pos + length > s.size()) {
		++pos;
		return first;
	}
	std::uint32_t cp = first & (0x7Fu >> length);
	for (std::size_t i = 1; i < length; ++i) {
		std::uint32_t next = byte(pos + i);
		if ((next & 0xC0) != 0x80) {
			++pos;
			return first;
		}
		cp = (cp << 6) | (next & 0x3F);
	}
	pos += length;
	return cp;
}

inline void append_utf8(std::string &out, std::uint32_t cp)
{
	if (cp < 0x80) {
		out += static_cast<char>(cp);
	} else if (cp < 0x800) {
		out += static_cast<char>(0xC0 | (cp >> 6));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		out += static_cast<char>(0xE0 | (cp >> 12));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	} else {
		out += static_cast<char>(0xF0 | (cp >> 18));
		out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
		out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
		out += static_cast<char>(0x80 | (cp & 0x3F));
	}
}

inline char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string lower_ascii(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		c = lower(c);
	return out;
}

inline bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

inline std::string_view trim(std::string_view s)
{
	auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
	while (!s.empty() && space(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && space(s.back()))
		s.remove_suffix(1);
	return s;
}

// Case-insensitive (ASCII) search of a lower-case needle.
inline bool contains_lower(std::string_view lowered_haystack, std::string_view needle)
{
	return lowered_haystack.find(needle) != std::string_view::npos;
}

} // namespace ai::text
