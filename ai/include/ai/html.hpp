// Light HTML and plain-text scanning for the scorer: the links a reader
// sees and the words they read. Not an HTML parser: it tolerates any
// bytes and looks only at anchors, tags and character references.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ai/message.hpp"

namespace ai {

// Anchors (<a href> and <area href>) with their visible text, entities
// decoded and white space collapsed. At most `max_links`.
std::vector<link> html_links(std::string_view html, std::size_t max_links = 1000);

// Bare http(s):// and www. URLs in plain text. At most `max_links`.
std::vector<link> text_links(std::string_view text, std::size_t max_links = 1000);

// The text a reader sees: tags, scripts and styles removed, entities
// decoded, white space collapsed.
std::string html_visible_text(std::string_view html);

} // namespace ai
