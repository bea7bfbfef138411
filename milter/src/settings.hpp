// The settings of 1dall-milter.conf(5), defined once.
//
// `settings_table()` is the single list of every key with its type,
// default, reload behaviour and help text; the parser, `-n`, the example
// configuration and the man page test all read it.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace milter {

enum class setting_type {
	string,  // free text, not empty
	boolean, // yes or no
	integer, // decimal, within [min, max]
	choice,  // one of the words in `choices` (separated by '|')
	list,    // items separated by commas and/or white space; "none" = empty
};

struct setting_spec {
	std::string_view name;
	setting_type type;
	std::string_view default_value; // "" = computed at run time (see help)
	bool reloadable;                // SIGHUP applies it; else needs a restart
	std::string_view help;
	std::string_view choices = {}; // for choice: "enforce|monitor"
	long min = 0;                  // for integer
	long max = 0;                  // for integer
};

std::span<const setting_spec> settings_table();

// The spec of a key (case-insensitive), or nullptr.
const setting_spec *find_setting(std::string_view name);

// Parsed configuration: every key of the table, with its default when
// the file does not set it.
struct settings {
	std::map<std::string, std::string, std::less<>> values;

	std::string_view get(std::string_view name) const;
	bool flag(std::string_view name) const;
	long number(std::string_view name) const;
	// A list setting split into its items ("none" gives no items).
	std::vector<std::string> items(std::string_view name) const;
};

// Parses "Key value" lines ('#' comments, blank lines). Errors name the
// file, the line and what is wrong with it.
tl::expected<settings, std::string> parse_settings(std::string_view text,
                                                   std::string_view file_name);

// The effective configuration, one "Key value" line per setting in
// table order, as `1dall-milter -n` prints it.
std::string describe_settings(settings const &s);

} // namespace milter
