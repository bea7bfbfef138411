#include "ai/filename.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace ai {
namespace {

constexpr std::array executable_extensions{"exe",  "scr", "com", "pif", "bat", "cmd", "vbs", "vbe",
                                           "js",   "jse", "wsf", "wsh", "hta", "ps1", "lnk", "chm",
                                           "jar",  "msi", "msp", "cpl", "reg", "iso", "img", "vhd",
                                           "vhdx", "one", "app", "dll", "sys", "elf"};

constexpr std::array document_extensions{"pdf",  "doc", "docx", "xls",  "xlsx", "ppt",
                                         "pptx", "txt", "jpg",  "jpeg", "png",  "gif",
                                         "rtf",  "csv", "zip",  "htm",  "html"};

// Code points that change how a name is displayed without showing
// themselves: bidirectional controls and zero-width characters.
bool is_invisible(std::uint32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C;
}

// Decodes the UTF-8 sequence at `pos`, advancing it. Invalid bytes come
// back as themselves, one at a time, which is enough to spot the
// characters we look for.
std::uint32_t next_code_point(std::string_view s, std::size_t &pos)
{
	auto byte = [&](std::size_t i) {
		return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i]));
	};
	std::uint32_t first = byte(pos);
	std::size_t length = first < 0x80    ? 1
	                     : first >= 0xF0 ? 4
	                     : first >= 0xE0 ? 3
	                     : first >= 0xC0 ? 2
	                                     : 1;
	if (pos + length > s.size() || length == 1) {
		++pos;
		return first;
	}
	std::uint32_t cp = first & (0x7F >> length);
	for (std::size_t i = 1; i < length; ++i)
		cp = (cp << 6) | (byte(pos + i) & 0x3F);
	pos += length;
	return cp;
}

bool contains(auto const &list, std::string_view value)
{
	return std::find(list.begin(), list.end(), value) != list.end();
}

std::string lower_ascii(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

bool has_invisible_character(std::string_view name)
{
	for (std::size_t pos = 0; pos < name.size();)
		if (is_invisible(next_code_point(name, pos)))
			return true;
	return false;
}

bool has_padding(std::string_view name)
{
	constexpr std::size_t suspicious_run = 6;
	std::size_t run = 0;
	for (char c : name) {
		run = (c == ' ' || c == '.' || c == '_') ? run + 1 : 0;
		if (run >= suspicious_run)
			return true;
	}
	return false;
}

bool has_double_extension(std::string_view name)
{
	auto last_dot = name.rfind('.');
	if (last_dot == std::string_view::npos || last_dot == 0)
		return false;
	auto inner_dot = name.rfind('.', last_dot - 1);
	if (inner_dot == std::string_view::npos)
		return false;
	std::string inner = lower_ascii(name.substr(inner_dot + 1, last_dot - inner_dot - 1));
	return contains(document_extensions, inner) &&
	       is_executable_extension(filename_extension(name));
}

} // namespace

std::string filename_extension(std::string_view name)
{
	auto dot = name.rfind('.');
	if (dot == std::string_view::npos)
		return {};
	return lower_ascii(name.substr(dot + 1));
}

bool is_executable_extension(std::string_view lower_extension)
{
	return contains(executable_extensions, lower_extension);
}

std::vector<filename_trick> find_filename_tricks(std::string_view name)
{
	std::vector<filename_trick> tricks;
	if (has_double_extension(name))
		tricks.push_back(filename_trick::double_extension);
	if (has_invisible_character(name))
		tricks.push_back(filename_trick::invisible_character);
	if (has_padding(name))
		tricks.push_back(filename_trick::padding);
	return tricks;
}

} // namespace ai
