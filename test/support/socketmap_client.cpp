#include "socketmap_client.hpp"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace lab {
namespace {

std::string frame(std::string const &payload)
{
	return std::to_string(payload.size()) + ":" + payload + ",";
}

// Length of a complete netstring at the start of `s`, 0 if incomplete,
// npos if malformed.
std::size_t complete_length(std::string const &s, std::string &payload)
{
	std::size_t colon = s.find(':');
	if (colon == std::string::npos)
		return s.size() > 10 ? std::string::npos : 0;
	if (colon == 0 || colon > 10 || s.find_first_not_of("0123456789") != colon)
		return std::string::npos;
	std::size_t length = std::stoul(s.substr(0, colon));
	if (s.size() < colon + length + 2)
		return 0;
	if (s[colon + 1 + length] != ',')
		return std::string::npos;
	payload = s.substr(colon + 1, length);
	return colon + length + 2;
}

} // namespace

socketmap_client::socketmap_client(int port)
{
	fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
		::close(fd_);
		fd_ = -1;
		return;
	}
	int on = 1;
	::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

socketmap_client::socketmap_client(std::string const &unix_path)
{
	fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	std::strncpy(addr.sun_path, unix_path.c_str(), sizeof addr.sun_path - 1);
	if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
		::close(fd_);
		fd_ = -1;
	}
}

socketmap_client::~socketmap_client()
{
	if (fd_ >= 0)
		::close(fd_);
}

bool socketmap_client::send_raw(std::string const &bytes)
{
	std::size_t done = 0;
	while (done < bytes.size()) {
		ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += static_cast<std::size_t>(n);
	}
	return true;
}

bool socketmap_client::send_request(std::string const &name, std::string const &key)
{
	return send_raw(frame(name + " " + key));
}

std::optional<std::string> socketmap_client::read_reply(std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	for (;;) {
		std::string payload;
		std::size_t used = complete_length(buffer_, payload);
		if (used == std::string::npos)
			return std::nullopt;
		if (used > 0) {
			buffer_.erase(0, used);
			return payload;
		}
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
		        deadline - std::chrono::steady_clock::now());
		if (left.count() <= 0)
			return std::nullopt;
		pollfd p{fd_, POLLIN, 0};
		if (::poll(&p, 1, static_cast<int>(left.count())) <= 0)
			return std::nullopt;
		char chunk[65536];
		ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
		if (n <= 0)
			return std::nullopt;
		buffer_.append(chunk, static_cast<std::size_t>(n));
	}
}

std::optional<std::string> socketmap_client::lookup(std::string const &name, std::string const &key)
{
	if (!send_request(name, key))
		return std::nullopt;
	return read_reply();
}

bool socketmap_client::closed_by_peer(std::chrono::milliseconds timeout)
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		pollfd p{fd_, POLLIN, 0};
		if (::poll(&p, 1, 50) > 0) {
			char chunk[4096];
			ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
			if (n == 0 || (n < 0 && errno == ECONNRESET))
				return true;
		}
	}
	return false;
}

} // namespace lab
