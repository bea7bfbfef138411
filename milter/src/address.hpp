// Envelope addresses as the MTA hands them to the milter: "<a@b>",
// "a@b", "<>" or a source route. Only what the policy needs.
#pragma once

#include <string>
#include <string_view>

namespace milter {

struct mailbox {
	std::string local;  // as given
	std::string domain; // lower-case, no trailing dot; "" when absent
};

// Strips angle brackets, a source route ("@a,@b:") and ESMTP junk after
// the closing bracket. "<>" gives an empty mailbox.
mailbox parse_mailbox(std::string_view address);

std::string to_lower(std::string_view text);

// True when `domain` looks like a DNS name we may look up: letters,
// digits, '-', '_' and dots, labels of 1-63 characters, at most 253 in all.
bool plausible_domain(std::string_view domain);

// Printable ASCII only, '%' spelled out: safe in an SMTP reply, a log
// line and a header comment. Cut to `limit` characters.
std::string printable(std::string_view text, std::size_t limit = 400);

} // namespace milter
