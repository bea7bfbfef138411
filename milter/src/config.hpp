// The configuration the filter runs on: the settings of
// 1dall-milter.conf(5) checked and turned into typed values. Built once
// per load and shared read-only (std::shared_ptr<const config>); a
// reload builds a new one and in-flight sessions keep theirs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "network.hpp"
#include "settings.hpp"

namespace milter {

enum class run_mode { enforce, monitor };
enum class temp_action { tempfail, accept };
enum class outbound_action { off, warn, refuse };

struct forwarder {
	std::string address;
	int port = 53;
};

struct config {
	settings source;

	run_mode mode = run_mode::enforce;
	bool allow_insecure = true;
	std::vector<std::string> local_domains; // lower-case; empty = all
	std::vector<std::string> exempt;        // "local@", "local@domain", "@domain"
	std::vector<network> trusted_networks;
	bool skip_authenticated = true;
	outbound_action outbound = outbound_action::off;
	temp_action on_temperror = temp_action::tempfail;
	int dns_timeout_seconds = 5;
	std::string trust_anchor_file;
	std::vector<forwarder> forwarders;
	std::size_t cache_entries = 100000;
	std::string authserv_id;
	int stats_interval_seconds = 300;

	std::string socket; // libmilter spelling: inet:PORT@HOST, unix:PATH
	std::string user;   // "" = no privilege drop
	std::string pid_file;
	int syslog_facility = 0;
	int session_timeout_seconds = 300;

	bool is_local_domain(std::string_view domain) const;
	bool is_exempt(std::string_view local, std::string_view domain) const;
	bool is_trusted_client(std::string_view ip) const;
};

// Checks and converts parsed settings. `host_name` is the default
// authserv-id.
tl::expected<std::shared_ptr<const config>, std::string> build_config(settings const &source,
                                                                      std::string_view host_name);

// Reads, parses and builds the file at `path`.
tl::expected<std::shared_ptr<const config>, std::string>
load_config(std::filesystem::path const &path, std::string_view host_name);

// Startup-only settings whose value differs between `a` and `b` (a
// reload cannot apply them), comma-separated; "" if none.
std::string startup_changes(config const &a, config const &b);

} // namespace milter
