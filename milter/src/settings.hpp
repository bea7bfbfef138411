// The settings of 1dall-milter.conf(5), defined once.
//
// `settings_table()` is the single list of every key with its default
// and help text; the parser, `-n` and the man page test all read it.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace milter {

enum class setting_type { string, boolean, integer, mode };

struct setting_spec {
	std::string_view name;
	setting_type type;
	std::string_view default_value;
	std::string_view help;
};

std::span<const setting_spec> settings_table();

// Parsed configuration: every key of the table, with its default when
// the file does not set it.
struct settings {
	std::map<std::string, std::string, std::less<>> values;

	std::string_view get(std::string_view name) const;
	bool flag(std::string_view name) const;
	long number(std::string_view name) const;
};

// Parses "Key value" lines ('#' comments, blank lines). Errors name the
// file, the line and what is wrong with it.
tl::expected<settings, std::string> parse_settings(std::string_view text,
						   std::string_view file_name);

} // namespace milter
