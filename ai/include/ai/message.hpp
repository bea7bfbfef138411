// A message as the scorer sees it: headers and text decoded to UTF-8,
// attachments inspected, and the signals that parsing itself raised.
//
// parse_message() (MIME walk and attachment inspection) produces it;
// the content rules and the scorer consume it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ai {

// A rule that fired, before weighting. `rule` is a stable identifier
// such as "attachment.executable" or "mime.unclosed_multipart"; the
// model gives it a weight. `detail` says what was seen, for the report.
struct signal {
	std::string rule;
	std::string detail;
	double strength = 1.0; // 0..1, how strongly the evidence holds
};

struct attachment {
	std::string filename;      // decoded (RFC 2231 / 2047), UTF-8
	std::string declared_type; // Content-Type as given, lower-case
	std::string detected_type; // MIME type libmagic sees in the content
	std::size_t size = 0;      // decoded bytes
	int depth = 0;             // 0 = attached to the message, 1+ = inside an archive
	std::vector<signal> findings;
	// Links inside the file (OOXML hyperlinks, PDF /URI). Last, with an
	// initialiser, so brace-initialised attachments need not name it.
	std::vector<std::string> urls = {};
};

struct link {
	std::string url;  // href target (or a bare URL found in text)
	std::string text; // visible text of the anchor, "" for bare URLs
};

struct parse_limits {
	std::size_t max_depth = 20; // MIME nesting
	std::size_t max_parts = 1000;
	std::size_t max_decoded_bytes = 64 << 20;
	std::size_t max_archive_depth = 4;
	std::size_t max_archive_entries = 1000;
	std::size_t max_archive_expanded = 256 << 20;
	double max_expansion_ratio = 200.0;
};

struct parsed_message {
	std::vector<std::pair<std::string, std::string>> headers; // name, decoded value
	std::string subject;
	std::string from_display;              // display name of From, decoded
	std::string from_address;              // addr-spec of From
	std::string reply_to;                  // addr-spec of Reply-To, "" if none
	std::string date;                      // Date header as written, "" if none
	std::string message_id;                // Message-ID header as written, "" if none
	std::optional<std::int64_t> date_unix; // Date as Unix time, if it parses

	std::string text; // every text/plain part, decoded to UTF-8
	std::string html; // every text/html part, decoded to UTF-8
	std::vector<link> links;
	std::vector<attachment> attachments;

	std::vector<signal> structure; // malformed MIME, limits reached...
	bool truncated = false;        // scored on a prefix of the message
};

// Parses raw RFC 5322 bytes. Never throws and never fails: malformed
// input yields what could be read plus structure signals.
parsed_message parse_message(std::string_view raw, parse_limits const &limits = {});

} // namespace ai
