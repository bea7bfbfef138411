// Netstrings ("12:hello world!,"), the framing of Postfix's socketmap
// protocol (socketmap_table(5)).
//
// The reader is incremental: feed it whatever bytes arrived and it
// reports a complete payload, a need for more input, or a framing error
// after which the connection must be closed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace blackbox {

enum class netstring_status {
	complete,   // one payload is ready; `consumed` bytes were used
	incomplete, // all input is a valid prefix; read more and retry
	malformed,  // not a netstring, or longer than the limit
};

struct netstring_result {
	netstring_status status;
	std::size_t consumed = 0;    // bytes of input that formed the netstring
	std::string_view payload;    // points into the input when complete
	const char *error = nullptr; // why, when malformed
};

// Parse the first netstring at the start of `input`. Payloads longer
// than `max_payload` are refused as malformed before they are buffered.
netstring_result netstring_parse(std::string_view input, std::size_t max_payload);

// Frame `payload` as a netstring.
std::string netstring_encode(std::string_view payload);

} // namespace blackbox
