// Static inspection of attachment content. Nothing here executes,
// renders or opens content with another program: inspectors read bytes
// and report what they find as signals (rule ids in ai/parse_rules.hpp).
//
// Every function is safe on hostile input and bounded by parse_limits.
// They are thread-safe: the milter calls them from many threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ai/message.hpp"

namespace ai {

// What inspecting one message's attachments shares: the limits, the
// message text (to find archive passwords) and the budget of bytes
// archives may still expand to.
struct inspect_context {
	parse_limits limits;
	std::string_view message_text;
	std::size_t expanded_bytes = 0; // across every archive of the message
	std::size_t archive_entries = 0;
};

// Inspects one attachment's decoded `content`: sets size and
// detected_type, adds findings, and appends what archives hold to
// `nested` (with depth + 1).
void inspect_attachment(attachment &att, std::string_view content, inspect_context &ctx,
                        std::vector<attachment> &nested);

// The MIME type libmagic sees in `content` ("application/octet-stream"
// when it cannot tell).
std::string detect_mime_type(std::string_view content);

// Words of the message that could be an archive password: those written
// after "password", "pw", "パスワード" and similar. At most `max`.
std::vector<std::string> password_candidates(std::string_view text, std::size_t max = 16);

// Archives (zip, rar, 7z, tar, gzip, bzip2, xz, cab, iso...) and OOXML
// documents, entries inspected recursively within the limits.
void inspect_archive(attachment &att, std::string_view content, inspect_context &ctx,
                     std::vector<attachment> &nested);

// OLE compound files (legacy Office, MSI...): VBA projects, encryption,
// embedded packages.
void inspect_ole(std::string_view content, std::vector<signal> &findings);

// PDF actions and embedded files, including inside compressed object
// streams. Link targets (/URI) go to `urls` when given.
void inspect_pdf(std::string_view content, std::vector<signal> &findings,
                 std::vector<std::string> *urls = nullptr);

// HTML (or SVG) attachments: payload smuggling, password forms,
// redirects.
void inspect_html(std::string_view content, std::vector<signal> &findings);

} // namespace ai
