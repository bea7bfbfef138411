// Postfix's socketmap protocol (socketmap_table(5)): a request is the
// netstring "name key"; the reply is the netstring "OK value",
// "NOTFOUND ", "TEMP reason", "TIMEOUT reason" or "PERM reason".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "blackbox/netstring.hpp"

namespace blackbox {

struct socketmap_request {
	std::string_view name; // the map name Postfix was configured with
	std::string_view key;
};

// Splits a request payload at its first space. The name must be
// non-empty and printable; the key may be anything after the space.
tl::expected<socketmap_request, std::string> parse_socketmap_request(std::string_view payload);

// Framed replies, ready to send.
std::string socketmap_ok(std::string_view value);
std::string socketmap_notfound();
std::string socketmap_temp(std::string_view reason);
std::string socketmap_perm(std::string_view reason);

// Accumulates bytes from one connection and yields requests in order.
class socketmap_reader {
      public:
	explicit socketmap_reader(std::size_t max_request) : max_request_(max_request) {}

	void feed(std::string_view bytes) { buffer_.append(bytes); }

	enum class status { request, need_more, malformed };
	struct result {
		status state;
		std::string payload; // the request payload, when state == request
		std::string error;   // why, when malformed
	};
	// The next complete request, if any. After `malformed` the stream
	// cannot be resynchronised: reply PERM and close.
	result next();

	// Bytes received but not yet part of a complete request.
	std::size_t pending() const { return buffer_.size() - start_; }

      private:
	std::size_t max_request_;
	std::string buffer_;
	std::size_t start_ = 0;
};

} // namespace blackbox
