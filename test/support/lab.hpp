// Test lab helpers: what every end-to-end test needs to start real
// daemons on loopback and clean up after them.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace lab {

// The project's shared/ folder: $ONEDALL_SHARED_DIR, else ../shared
// beside the source tree.
std::filesystem::path shared_dir();

// The source tree ($ONEDALL_SOURCE_DIR) and the build tree
// ($ONEDALL_BINARY_DIR), as CTest passes them.
std::filesystem::path source_dir();
std::filesystem::path binary_dir();

// A fresh folder under /tmp, removed with everything in it on
// destruction (unless $ONEDALL_KEEP_LABS is set, for debugging).
class temp_dir {
      public:
	explicit temp_dir(std::string const &prefix = "1dall-test");
	~temp_dir();
	temp_dir(temp_dir const &) = delete;
	temp_dir &operator=(temp_dir const &) = delete;

	std::filesystem::path const &path() const { return path_; }
	std::filesystem::path operator/(std::string const &name) const { return path_ / name; }

      private:
	std::filesystem::path path_;
};

// A child process whose output goes to a log file. Stopped with SIGTERM
// (then SIGKILL after a grace period) on destruction or stop().
class process {
      public:
	process(std::vector<std::string> const &argv, std::filesystem::path const &log_file);
	~process();
	process(process const &) = delete;
	process &operator=(process const &) = delete;

	pid_t pid() const { return pid_; }
	bool running();
	// Stops the process; returns its wait status (or -1 if already gone).
	int stop();
	// Waits for it to exit by itself; returns the exit code, or -1 on timeout.
	int wait_exit(std::chrono::milliseconds timeout);

      private:
	pid_t pid_ = -1;
	bool reaped_ = false;
	int status_ = -1;
};

// Runs a command to completion; returns its exit code (or -1 if killed
// by a signal). Output is appended to `log_file` when given.
int run(std::vector<std::string> const &argv, std::filesystem::path const &log_file = {});

// Runs a shell command and returns its standard output.
std::string capture(std::string const &shell_command, int *exit_code = nullptr);

// A TCP port on 127.0.0.1 that was free a moment ago.
int free_tcp_port();
// A UDP+TCP port pair free on 127.0.0.1 (for DNS servers).
int free_dns_port();

// Polls until something accepts TCP connections on host:port.
bool wait_for_tcp(std::string const &host, int port, std::chrono::milliseconds timeout);

// Polls until `path` exists.
bool wait_for_file(std::filesystem::path const &path, std::chrono::milliseconds timeout);

std::string read_file(std::filesystem::path const &path);
void write_file(std::filesystem::path const &path, std::string const &text);

// True when `program` is found in $PATH (or is an executable path).
bool have_program(std::string const &program);

} // namespace lab
