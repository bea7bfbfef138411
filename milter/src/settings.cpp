#include "settings.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>

namespace milter {
namespace {

constexpr std::array<setting_spec, 3> table{{
	{"Mode", setting_type::mode, "enforce",
	 "enforce refuses untrusted mail; monitor only adds headers and logs"},
	{"Socket", setting_type::string, "inet:8895@127.0.0.1",
	 "where the milter listens (inet:PORT@HOST or unix:PATH)"},
	{"AllowInsecure", setting_type::boolean, "yes",
	 "whether answers from unsigned (DNSSEC-insecure) zones may pass"},
}};

const setting_spec *find_spec(std::string_view name)
{
	auto it = std::find_if(table.begin(), table.end(), [&](auto const &s) {
		return std::equal(s.name.begin(), s.name.end(), name.begin(),
				  name.end(), [](char a, char b) {
					  return std::tolower(static_cast<unsigned char>(a)) ==
						 std::tolower(static_cast<unsigned char>(b));
				  });
	});
	return it == table.end() ? nullptr : &*it;
}

std::string_view trim(std::string_view s)
{
	auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
	while (!s.empty() && is_space(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && is_space(s.back()))
		s.remove_suffix(1);
	return s;
}

bool valid_value(setting_type type, std::string_view value)
{
	long number = 0;
	switch (type) {
	case setting_type::boolean:
		return value == "yes" || value == "no";
	case setting_type::mode:
		return value == "enforce" || value == "monitor";
	case setting_type::integer:
		return std::from_chars(value.data(), value.data() + value.size(), number).ptr ==
		       value.data() + value.size();
	case setting_type::string:
		return !value.empty();
	}
	return false;
}

} // namespace

std::span<const setting_spec> settings_table()
{
	return table;
}

std::string_view settings::get(std::string_view name) const
{
	auto it = values.find(name);
	return it == values.end() ? std::string_view{} : std::string_view{it->second};
}

bool settings::flag(std::string_view name) const
{
	return get(name) == "yes";
}

long settings::number(std::string_view name) const
{
	long n = 0;
	auto v = get(name);
	std::from_chars(v.data(), v.data() + v.size(), n);
	return n;
}

tl::expected<settings, std::string> parse_settings(std::string_view text,
						   std::string_view file_name)
{
	settings parsed;
	for (auto const &spec : table)
		parsed.values.emplace(spec.name, spec.default_value);

	std::size_t line_number = 0;
	while (!text.empty()) {
		++line_number;
		auto end = text.find('\n');
		std::string_view line = trim(text.substr(0, end));
		text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
		if (line.empty() || line.front() == '#')
			continue;

		auto where = std::string(file_name) + ":" + std::to_string(line_number) + ": ";
		auto gap = line.find_first_of(" \t");
		std::string_view key = line.substr(0, gap);
		std::string_view value = gap == std::string_view::npos ? "" : trim(line.substr(gap));

		const setting_spec *spec = find_spec(key);
		if (spec == nullptr)
			return tl::unexpected(where + "unknown setting '" + std::string(key) + "'");
		if (!valid_value(spec->type, value))
			return tl::unexpected(where + "invalid value '" + std::string(value) +
					      "' for " + std::string(spec->name));
		parsed.values[std::string(spec->name)] = std::string(value);
	}
	return parsed;
}

} // namespace milter
