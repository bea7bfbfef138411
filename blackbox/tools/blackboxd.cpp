// blackboxd(8): serves sealed tables to Postfix over the socketmap
// protocol. Reads the key and tables and binds as root, then drops to
// the configured user. The server itself lives in the blackbox library.
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <getopt.h>
#include <syslog.h>
#include <unistd.h>

#include "blackbox/daemon_config.hpp"
#include "blackbox/keys.hpp"
#include "blackbox/server.hpp"

namespace {
using namespace blackbox;

constexpr char default_config[] = "/etc/blackbox/blackboxd.conf";

blackbox::server *running = nullptr;
bool to_stderr = false;

void log_line(int priority, std::string const &line)
{
	if (to_stderr)
		std::fprintf(stderr, "blackboxd[%d]: %s\n", static_cast<int>(::getpid()),
		             line.c_str());
	else
		::syslog(priority, "%s", line.c_str());
}

int usage()
{
	std::fputs("usage: blackboxd [-dfn] [-c config]\n", stderr);
	return 2;
}

extern "C" void on_signal(int signal)
{
	if (running == nullptr)
		return;
	if (signal == SIGHUP)
		running->request_reload();
	else
		running->request_stop();
}

void install_signals()
{
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	::sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	::sigaction(SIGHUP, &sa, nullptr);
	::sigaction(SIGTERM, &sa, nullptr);
	::sigaction(SIGINT, &sa, nullptr);
	std::signal(SIGPIPE, SIG_IGN);
}

int fail(std::string const &why)
{
	log_line(LOG_ERR, "fatal: " + why);
	return 1;
}

} // namespace

int main(int argc, char **argv)
{
	std::string config_path = default_config;
	bool foreground = false, debug = false, check_only = false;
	int c = 0;
	while ((c = ::getopt(argc, argv, "c:dfnh")) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'f':
			foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();
	to_stderr = foreground || check_only;
	::openlog("blackboxd", LOG_PID | LOG_NDELAY, LOG_MAIL);

	auto config = load_daemon_config(config_path);
	if (!config)
		return fail(config.error());
	if (auto ready = crypto_init(); !ready)
		return fail(ready.error());
	auto key = master_key::load(config->key_file);
	if (!key)
		return fail(key.error());
	if (!check_only && ::geteuid() == 0 && config->user.empty())
		return fail("running as root: set 'user' in " + config_path);

	std::string user = config->user;
	blackbox::server server(std::move(*config), std::move(*key), log_line);
	server.set_debug(debug);
	// Before anything can connect: a SIGHUP sent as soon as the port
	// answers must reload, not kill.
	running = &server;
	install_signals();
	if (auto loaded = server.load_tables(); !loaded)
		return fail(loaded.error());
	if (check_only) {
		auto again = load_daemon_config(config_path);
		std::fputs(describe_config(*again).c_str(), stdout);
		return 0;
	}
	if (auto bound = server.bind_listeners(); !bound)
		return fail(bound.error());
	if (!user.empty())
		if (auto dropped = drop_privileges(user); !dropped)
			return fail(dropped.error());
	if (!foreground && ::daemon(0, 0) != 0)
		return fail(std::string("daemon: ") + std::strerror(errno));

	log_line(LOG_INFO, "ready");
	auto result = server.run();
	running = nullptr;
	if (!result)
		return fail(result.error());
	return 0;
}
