#include "blackbox/table_source.hpp"

#include <algorithm>
#include <map>

namespace blackbox {
namespace {

bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && is_blank(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && is_blank(s.back()))
		s.remove_suffix(1);
	return s;
}

struct logical_line {
	std::string text;
	std::size_t number = 0; // where it starts
};

tl::expected<std::vector<logical_line>, std::string> join_lines(std::string_view text,
                                                                std::string const &label)
{
	std::vector<logical_line> lines;
	std::size_t number = 0;
	while (!text.empty()) {
		std::size_t end = text.find('\n');
		std::string_view line = text.substr(0, end);
		text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
		++number;

		std::string_view content = trim(line);
		if (content.empty() || content.front() == '#')
			continue;
		if (is_blank(line.front())) {
			if (lines.empty())
				return tl::make_unexpected(
				        label + ":" + std::to_string(number) +
				        ": continuation line with nothing to continue");
			lines.back().text += line;
			continue;
		}
		lines.push_back({std::string(line), number});
	}
	return lines;
}

std::string where(std::string const &label, std::size_t line)
{
	return label + ":" + std::to_string(line) + ": ";
}

} // namespace

tl::expected<std::vector<table_entry>, std::string> parse_table_source(std::string_view text,
                                                                       std::string const &label)
{
	auto lines = join_lines(text, label);
	if (!lines)
		return tl::make_unexpected(lines.error());

	std::vector<table_entry> entries;
	std::map<std::string, std::size_t> first_seen;
	for (auto const &line : *lines) {
		std::string_view s = trim(line.text);
		std::size_t split = 0;
		while (split < s.size() && !is_blank(s[split]))
			++split;
		std::string key = fold_key(s.substr(0, split));
		std::string_view value = trim(s.substr(split));
		if (value.empty())
			return tl::make_unexpected(where(label, line.number) +
			                           "expected \"key whitespace value\"");
		if (key.size() > max_key_bytes)
			return tl::make_unexpected(where(label, line.number) + "key longer than " +
			                           std::to_string(max_key_bytes) + " bytes");
		if (value.size() > max_value_bytes)
			return tl::make_unexpected(where(label, line.number) +
			                           "value longer than " +
			                           std::to_string(max_value_bytes) + " bytes");
		auto [it, fresh] = first_seen.emplace(key, line.number);
		if (!fresh)
			return tl::make_unexpected(where(label, line.number) + "duplicate key '" +
			                           key + "' (first on line " +
			                           std::to_string(it->second) + ")");
		entries.push_back({std::move(key), std::string(value)});
	}
	return entries;
}

std::string format_table_source(std::vector<table_entry> entries)
{
	std::sort(entries.begin(), entries.end(),
	          [](auto const &a, auto const &b) { return a.key < b.key; });
	std::string text;
	for (auto const &e : entries) {
		text += e.key;
		text += ' ';
		text += e.value;
		text += '\n';
	}
	return text;
}

} // namespace blackbox
