// The 1DTN TXT record (spec "Where the declaration lives" and
// "Grammar"): recognising it among other TXT data and parsing it into
// trust patterns, includes and the sender's authentication method.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace dtn {

// How receivers must authenticate mail that claims the declaring domain.
enum class auth_method { spf, dkim, spf_or_dkim, none };

std::string_view to_string(auth_method method);

struct record {
	std::vector<std::string> trust;    // patterns, A-labels, lower-case, no trailing dot
	std::vector<std::string> includes; // domains, A-labels, lower-case, no trailing dot
	auth_method auth = auth_method::spf;
	std::vector<std::string> ignored_tags; // unknown tag names, for lint
};

// True when the TXT text starts with the exact version tag "v=1dtn1"
// followed by ';', white space or the end of the text.
bool is_1dtn_record(std::string_view txt);

// Parses one record's text (character-strings already joined). Every
// violation of the grammar is an error whose message names the
// offending tag or entry.
tl::expected<record, std::string> parse_record(std::string_view text);

// One finding of lint_record(): an error makes the record invalid (a
// permerror for receivers); a warning is legal but probably unintended.
struct lint_finding {
	bool error = false;
	std::string text;
};

// Every problem of a record's text, not only the first: each tag is
// checked on its own, then repeated tags, then questionable choices
// (auth=none, an empty trust list, a wildcard over a public suffix).
std::vector<lint_finding> lint_record(std::string_view text);

// Picks the 1DTN record among the TXT records found at one name: none
// (nullopt) when no text starts with the version tag, an error when
// more than one does.
tl::expected<std::optional<std::string>, std::string>
select_record(std::vector<std::string> const &txt_records);

} // namespace dtn
