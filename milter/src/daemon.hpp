// The libmilter daemon: socket, privilege drop, pid file, signals
// (SIGHUP reloads, SIGTERM drains), and the callbacks that feed the
// policy. One process, one libmilter instance.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "config.hpp"
#include "policy.hpp"

namespace milter {

// Builds the trust engine a configuration asks for (resolver, DNSSEC
// anchor, timeouts). Called at start and at every reload.
using engine_factory =
        std::function<tl::expected<std::shared_ptr<trust_engine>, std::string>(config const &)>;

struct daemon_options {
	std::filesystem::path config_path;
	std::string host_name;
	bool foreground = false;
	engine_factory make_engine;
};

// Runs until SIGTERM/SIGINT; returns the process exit code.
int run_daemon(daemon_options const &options, std::shared_ptr<const config> initial);

} // namespace milter
