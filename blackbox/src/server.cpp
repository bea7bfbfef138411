#include "blackbox/server.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sodium.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "blackbox/socketmap.hpp"
#include "loaded_map.hpp"

namespace blackbox {
namespace fs = std::filesystem;

namespace {

// Replies queued beyond this stop reading from that client until it
// reads them: a client that never reads cannot grow our memory.
constexpr std::size_t output_limit = std::size_t{256} * 1024;
constexpr std::size_t read_chunk = std::size_t{16} * 1024;

long long now_seconds()
{
	return std::chrono::duration_cast<std::chrono::seconds>(
	               std::chrono::steady_clock::now().time_since_epoch())
	        .count();
}

std::string errno_text()
{
	return std::strerror(errno);
}

// Drops the first `n` bytes and wipes what they leave behind: replies
// hold table values.
void consume_front(std::string &s, std::size_t n)
{
	std::size_t rest = s.size() - n;
	std::memmove(s.data(), s.data() + n, rest);
	::sodium_memzero(s.data() + rest, n);
	s.resize(rest);
}

tl::expected<int, std::string> bind_inet(listen_address const &a)
{
	sockaddr_storage storage{};
	socklen_t length = 0;
	int family = a.kind == listen_address::family::inet6 ? AF_INET6 : AF_INET;
	if (family == AF_INET) {
		auto *sin = reinterpret_cast<sockaddr_in *>(&storage);
		sin->sin_family = AF_INET;
		sin->sin_port = htons(static_cast<uint16_t>(a.port));
		if (::inet_pton(AF_INET, a.host.c_str(), &sin->sin_addr) != 1)
			return tl::make_unexpected(a.text + ": not a numeric IPv4 address");
		length = sizeof *sin;
	} else {
		auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&storage);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(static_cast<uint16_t>(a.port));
		if (::inet_pton(AF_INET6, a.host.c_str(), &sin6->sin6_addr) != 1)
			return tl::make_unexpected(a.text + ": not a numeric IPv6 address");
		length = sizeof *sin6;
	}
	int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tl::make_unexpected(a.text + ": socket: " + errno_text());
	int on = 1;
	::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (family == AF_INET6)
		::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0 ||
	    ::listen(fd, 128) != 0) {
		std::string why = errno_text();
		::close(fd);
		return tl::make_unexpected(a.text + ": " + why);
	}
	return fd;
}

tl::expected<int, std::string> bind_unix(listen_address const &a)
{
	sockaddr_un sun{};
	sun.sun_family = AF_UNIX;
	std::memcpy(sun.sun_path, a.path.c_str(), a.path.size() + 1);
	struct stat st {};
	// A socket left by an earlier run is replaced; any other file is not.
	if (::lstat(a.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode))
		::unlink(a.path.c_str());
	int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return tl::make_unexpected(a.text + ": socket: " + errno_text());
	if (::bind(fd, reinterpret_cast<sockaddr *>(&sun), sizeof sun) != 0 ||
	    ::listen(fd, 128) != 0) {
		std::string why = errno_text();
		::close(fd);
		return tl::make_unexpected(a.text + ": " + why);
	}
	// Access is controlled by the folder; Postfix connects as its own user.
	::chmod(a.path.c_str(), 0666);
	return fd;
}

} // namespace

struct server::connection {
	int fd = -1;
	socketmap_reader reader;
	std::string out;
	bool closing = false; // reply PERM, flush, close
	bool peer_closed = false;
	long long last_activity = 0;
	long long partial_since = 0; // 0: no partial request
	long long blocked_since = 0; // 0: output not stalled
	std::uint32_t interest = 0;

	connection(int f, std::size_t max_request) : fd(f), reader(max_request) {}
};

server::server(daemon_config config, master_key key, log_function log)
    : config_(std::move(config)), key_(std::move(key)), log_(std::move(log))
{
	wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	for (auto const &m : config_.maps) {
		auto loaded = std::make_unique<loaded_map>();
		loaded->config = m;
		maps_.emplace(m.name, std::move(loaded));
	}
}

server::~server()
{
	for (auto const &[fd, c] : connections_)
		::close(fd);
	for (int fd : listeners_)
		::close(fd);
	for (auto const &a : config_.listen)
		if (a.kind == listen_address::family::unix_socket)
			::unlink(a.path.c_str());
	if (epoll_fd_ >= 0)
		::close(epoll_fd_);
	if (wake_fd_ >= 0)
		::close(wake_fd_);
}

void server::log(int priority, std::string const &line) const
{
	if (log_)
		log_(priority, line);
}

tl::expected<void, std::string> server::bind_listeners()
{
	for (auto const &a : config_.listen) {
		auto fd =
		        a.kind == listen_address::family::unix_socket ? bind_unix(a) : bind_inet(a);
		if (!fd)
			return tl::make_unexpected("cannot listen on " + fd.error());
		listeners_.push_back(*fd);
		log(LOG_INFO, "listening on " + a.text);
	}
	return {};
}

void server::request_reload()
{
	reload_wanted_ = true;
	std::uint64_t one = 1;
	(void)!::write(wake_fd_, &one, sizeof one);
}

void server::request_stop()
{
	stop_wanted_ = true;
	std::uint64_t one = 1;
	(void)!::write(wake_fd_, &one, sizeof one);
}

void server::accept_clients(int listener)
{
	for (;;) {
		int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log(LOG_WARNING, "accept: " + errno_text());
			return;
		}
		if (connections_.size() >= config_.max_clients) {
			::close(fd);
			if (now_seconds() - last_refused_log_ >= 60) {
				last_refused_log_ = now_seconds();
				log(LOG_WARNING, "refusing clients: max_clients (" +
				                         std::to_string(config_.max_clients) +
				                         ") reached");
			}
			continue;
		}
		int on = 1;
		::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on); // fails on unix: fine
		auto c = std::make_unique<connection>(fd, config_.max_request);
		c->last_activity = now_seconds();
		c->interest = EPOLLIN;
		epoll_event ev{};
		ev.events = c->interest;
		ev.data.fd = fd;
		if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
			::close(fd);
			continue;
		}
		connections_.emplace(fd, std::move(c));
	}
}

void server::process_requests(connection &c)
{
	while (!c.closing && c.out.size() < output_limit) {
		auto r = c.reader.next();
		if (r.state == socketmap_reader::status::need_more)
			break;
		if (r.state == socketmap_reader::status::malformed) {
			log(LOG_WARNING, "client fd " + std::to_string(c.fd) +
			                         ": malformed request, closing: " + r.error);
			c.out += socketmap_perm(r.error);
			c.closing = true;
			break;
		}
		c.out += answer(r.payload);
		::sodium_memzero(r.payload.data(), r.payload.size());
	}
	if (c.reader.pending() == 0)
		c.partial_since = 0;
	else if (c.partial_since == 0)
		c.partial_since = now_seconds();
}

void server::on_readable(connection &c)
{
	char buffer[read_chunk];
	ssize_t n = ::read(c.fd, buffer, sizeof buffer);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		c.peer_closed = true;
		return;
	}
	c.last_activity = now_seconds();
	c.reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
	process_requests(c);
}

void server::on_writable(connection &c)
{
	while (!c.out.empty()) {
		ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			c.peer_closed = true;
			::sodium_memzero(c.out.data(), c.out.size());
			c.out.clear();
			return;
		}
		consume_front(c.out, static_cast<std::size_t>(n));
		c.last_activity = now_seconds();
		c.blocked_since = 0;
	}
	if (!c.out.empty() && c.blocked_since == 0)
		c.blocked_since = now_seconds();
	// Room again: answer requests that were waiting for it.
	if (c.out.size() < output_limit && c.reader.pending() > 0 && !c.closing) {
		process_requests(c);
		if (!c.out.empty())
			on_writable(c);
	}
}

void server::update_interest(connection &c)
{
	std::uint32_t want = 0;
	if (!c.closing && c.out.size() < output_limit)
		want |= EPOLLIN;
	if (!c.out.empty())
		want |= EPOLLOUT;
	if (want == c.interest)
		return;
	c.interest = want;
	epoll_event ev{};
	ev.events = want;
	ev.data.fd = c.fd;
	::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void server::close_connection(int fd, char const *why)
{
	auto it = connections_.find(fd);
	if (it == connections_.end())
		return;
	if (why != nullptr && debug_)
		log(LOG_DEBUG, "client fd " + std::to_string(fd) + ": closed: " + why);
	::sodium_memzero(it->second->out.data(), it->second->out.size());
	::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
	::close(fd);
	connections_.erase(it);
}

void server::sweep_timeouts()
{
	long long now = now_seconds();
	std::vector<std::pair<int, char const *>> doomed;
	for (auto const &[fd, c] : connections_) {
		if (c->partial_since != 0 && now - c->partial_since > config_.request_timeout)
			doomed.emplace_back(fd, "request not completed in time");
		else if (c->blocked_since != 0 && now - c->blocked_since > config_.request_timeout)
			doomed.emplace_back(fd, "reply not read in time");
		else if (now - c->last_activity > config_.idle_timeout)
			doomed.emplace_back(fd, "idle");
	}
	for (auto const &[fd, why] : doomed) {
		if (std::strcmp(why, "idle") != 0)
			log(LOG_NOTICE, "client fd " + std::to_string(fd) + ": " + why);
		close_connection(fd, why);
	}
}

tl::expected<void, std::string> server::run()
{
	epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
	if (epoll_fd_ < 0 || wake_fd_ < 0)
		return tl::make_unexpected("epoll: " + errno_text());
	epoll_event ev{};
	ev.events = EPOLLIN;
	ev.data.fd = wake_fd_;
	::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
	for (int fd : listeners_) {
		ev.data.fd = fd;
		::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
	}

	long long last_sweep = now_seconds();
	long long last_check = last_sweep;
	epoll_event events[256];
	while (!stop_wanted_) {
		int n = ::epoll_wait(epoll_fd_, events, 256, 1000);
		if (n < 0 && errno != EINTR)
			return tl::make_unexpected("epoll_wait: " + errno_text());
		for (int i = 0; i < n; ++i) {
			int fd = events[i].data.fd;
			if (fd == wake_fd_) {
				std::uint64_t count = 0;
				(void)!::read(wake_fd_, &count, sizeof count);
				continue;
			}
			if (std::find(listeners_.begin(), listeners_.end(), fd) !=
			    listeners_.end()) {
				accept_clients(fd);
				continue;
			}
			auto it = connections_.find(fd);
			if (it == connections_.end())
				continue;
			connection &c = *it->second;
			if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
				on_readable(c);
			if (!c.out.empty())
				on_writable(c);
			if (c.peer_closed || (c.closing && c.out.empty()))
				close_connection(fd, c.peer_closed ? "by client" : "after PERM");
			else
				update_interest(c);
		}
		if (reload_wanted_.exchange(false)) {
			log(LOG_INFO, "reload requested");
			reload_config();
		}
		long long now = now_seconds();
		if (now != last_sweep) {
			last_sweep = now;
			sweep_timeouts();
		}
		if (config_.check_interval > 0 && now - last_check >= config_.check_interval) {
			last_check = now;
			check_files();
		}
	}
	log(LOG_INFO, "stopping");
	return {};
}

} // namespace blackbox
