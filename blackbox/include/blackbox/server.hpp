// The socketmap server behind blackboxd(8): one event loop (epoll) that
// serves every client without blocking on any of them, a set of sealed
// tables that reloads atomically, and the listening sockets.
//
// Thread safety: run() owns everything; request_reload() and
// request_stop() may be called from any thread or a signal handler.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "blackbox/daemon_config.hpp"
#include "blackbox/keys.hpp"
#include "blackbox/sealed_table.hpp"

namespace blackbox {

// Receives log lines with a syslog(3) priority. Never given a value.
using log_function = std::function<void(int priority, std::string const &line)>;

// Switches to `user` (groups, gid, uid, in that order) and checks that
// root cannot be regained.
tl::expected<void, std::string> drop_privileges(std::string const &user);

class server {
      public:
	server(daemon_config config, master_key key, log_function log);
	~server();
	server(server const &) = delete;
	server &operator=(server const &) = delete;

	// Opens every configured table; any failure is an error (used at
	// start and by `blackboxd -n`).
	tl::expected<void, std::string> load_tables();
	tl::expected<void, std::string> bind_listeners();

	// Serves until request_stop().
	tl::expected<void, std::string> run();

	void request_reload();
	void request_stop();

	// Answers one request payload, as the event loop does (for tests
	// and the benchmark).
	std::string answer(std::string_view payload);

	// Emitted log lines use this when set; also switches on per-request
	// debug lines (map and result only).
	void set_debug(bool on) { debug_ = on; }

      private:
	struct loaded_map;
	struct connection;
	struct file_identity {
		unsigned long long dev = 0, ino = 0, size = 0, mtime = 0, ctime = 0;
		bool operator==(file_identity const &) const = default;
	};

	static file_identity identify(std::filesystem::path const &path);
	bool load_map(loaded_map &m, bool quiet_if_failed_before);
	void reload_config();
	void check_files();

	void accept_clients(int listener);
	void on_readable(connection &c);
	void on_writable(connection &c);
	void process_requests(connection &c);
	void update_interest(connection &c);
	void close_connection(int fd, char const *why);
	void sweep_timeouts();
	void log(int priority, std::string const &line) const;

	daemon_config config_;
	master_key key_;
	log_function log_;
	bool debug_ = false;
	std::map<std::string, std::unique_ptr<loaded_map>> maps_;
	std::vector<int> listeners_;
	std::map<int, std::unique_ptr<connection>> connections_;
	int epoll_fd_ = -1;
	int wake_fd_ = -1;
	std::atomic<bool> reload_wanted_{false};
	std::atomic<bool> stop_wanted_{false};
	long long last_refused_log_ = 0;
};

} // namespace blackbox
