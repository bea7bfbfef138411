// A minimal socketmap (Postfix) client for tests and benchmarks:
// blocking socket, one netstring reply at a time, with a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lab {

class socketmap_client {
      public:
	// Connects to 127.0.0.1:port, or to a unix socket path.
	explicit socketmap_client(int port);
	explicit socketmap_client(std::string const &unix_path);
	~socketmap_client();
	socketmap_client(socketmap_client const &) = delete;
	socketmap_client &operator=(socketmap_client const &) = delete;

	bool connected() const { return fd_ >= 0; }
	bool send_raw(std::string const &bytes);
	// Sends the netstring "name key".
	bool send_request(std::string const &name, std::string const &key);
	// The next reply payload, or nullopt on timeout or closed connection.
	std::optional<std::string>
	read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(5));
	// Both in one.
	std::optional<std::string> lookup(std::string const &name, std::string const &key);
	// True when the server closed the connection (EOF) within `timeout`.
	bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::seconds(5));

      private:
	int fd_ = -1;
	std::string buffer_;
};

} // namespace lab
