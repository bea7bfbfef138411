// The plaintext form of a table, as postmap(1) reads it: one "key value"
// pair per logical line; lines whose first non-blank character is '#'
// and blank lines are ignored; a line that starts with whitespace
// continues the previous one; the key ends at the first whitespace and
// the value is the rest, trimmed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "blackbox/sealed_table.hpp"

namespace blackbox {

// Parses source text; `label` names it in errors ("FILE:LINE: why").
// Duplicate keys (after folding), keys without a value and oversized
// keys or values are errors.
tl::expected<std::vector<table_entry>, std::string> parse_table_source(std::string_view text,
                                                                       std::string const &label);

// The source text for `entries`: "key value" lines, sorted by key.
std::string format_table_source(std::vector<table_entry> entries);

} // namespace blackbox
