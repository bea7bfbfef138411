// blackboxd's configuration (blackboxd.conf(5)). One table of settings
// drives parsing, defaults, `blackboxd -n` and the man page, which a
// test compares against it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace blackbox {

struct setting_info {
	char const *name;
	char const *default_value; // "" when there is none
	bool reloadable;           // applied on SIGHUP, or only at start
	char const *help;
};

// Every setting, in the order of the man page.
std::span<setting_info const> daemon_settings();

struct listen_address {
	enum class family { inet, inet6, unix_socket };
	family kind = family::inet;
	std::string host; // inet, inet6
	int port = 0;     // inet, inet6
	std::string path; // unix_socket
	std::string text; // as written: "inet:127.0.0.1:10001", "unix:/run/x"
};

// "inet:HOST:PORT", "inet:[V6]:PORT" or "unix:PATH".
tl::expected<listen_address, std::string> parse_listen_address(std::string const &text);

struct map_config {
	std::string name;           // the socketmap name Postfix asks for
	std::filesystem::path file; // the sealed table
	std::string table;          // the table name the file must hold
};

struct daemon_config {
	std::filesystem::path source; // the file it came from
	std::vector<listen_address> listen;
	std::filesystem::path key_file;
	std::string user;
	std::size_t max_request = 0;
	std::size_t max_clients = 0;
	int idle_timeout = 0;    // seconds
	int request_timeout = 0; // seconds
	int check_interval = 0;  // seconds, 0: no polling
	std::vector<map_config> maps;
};

// Parses configuration text; relative paths are taken from `base_dir`.
tl::expected<daemon_config, std::string> parse_daemon_config(std::string const &text,
                                                             std::string const &label,
                                                             std::filesystem::path const &base_dir);
tl::expected<daemon_config, std::string> load_daemon_config(std::filesystem::path const &path);

// The effective configuration as text, for `blackboxd -n`.
std::string describe_config(daemon_config const &config);

} // namespace blackbox
