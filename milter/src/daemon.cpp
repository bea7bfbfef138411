// Daemon life: open the socket as root, drop privileges, run libmilter
// in its own thread, and let the main thread wait for signals.
//
// libmilter starts a thread of its own that stops the filter on SIGHUP.
// To make SIGHUP a reload, the main thread stays in sigtimedwait() for
// HUP/TERM/INT: Linux hands a process-directed signal to the main thread
// first when it waits for it. The main thread only sets flags; a control
// thread reloads, writes statistics and drains on shutdown.
#include "daemon.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <thread>

#include <unistd.h>

#include "privileges.hpp"
#include "runtime.hpp"

namespace milter {
namespace {

using namespace std::chrono_literals;
using error = tl::unexpected<std::string>;

constexpr auto drain_limit = 30s;

struct control {
	std::mutex mutex;
	std::condition_variable wake;
	bool reload = false;
	bool stop = false;
	std::atomic<bool> done{false};
	std::atomic<bool> milter_ended{false};
};

tl::expected<std::shared_ptr<const policy>, std::string>
make_policy(daemon_options const &options, std::shared_ptr<const config> cfg)
{
	auto engine = options.make_engine(*cfg);
	if (!engine)
		return error(engine.error());
	return std::make_shared<const policy>(std::move(cfg), std::move(*engine));
}

void reload(daemon_options const &options)
{
	auto old = runtime::instance().current();
	auto cfg = load_config(options.config_path, options.host_name);
	if (!cfg) {
		log_line(log_level::error,
		         "reload failed, keeping the running configuration: " + cfg.error());
		return;
	}
	auto next = make_policy(options, *cfg);
	if (!next) {
		log_line(log_level::error,
		         "reload failed, keeping the running configuration: " + next.error());
		return;
	}
	auto ignored = startup_changes(old->settings(), **cfg);
	runtime::instance().install(std::move(*next));
	log_line(log_level::info, "configuration reloaded from " + options.config_path.string());
	if (!ignored.empty())
		log_line(log_level::warning, "changes to " + ignored + " need a restart");
}

void drain()
{
	auto deadline = std::chrono::steady_clock::now() + drain_limit;
	while (runtime::instance().active_sessions > 0 &&
	       std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(50ms);
	int left = runtime::instance().active_sessions;
	if (left > 0)
		log_line(log_level::warning,
		         "stopping with " + std::to_string(left) + " sessions still open");
}

void control_loop(daemon_options const &options, control &ctl, std::thread &milter_thread)
{
	auto stats_due = [] {
		int interval = runtime::instance().current()->settings().stats_interval_seconds;
		return std::chrono::steady_clock::now() + std::chrono::seconds(interval);
	};
	auto next_stats = stats_due();
	for (;;) {
		std::unique_lock lock(ctl.mutex);
		ctl.wake.wait_for(lock, 1s, [&] { return ctl.reload || ctl.stop; });
		bool do_reload = std::exchange(ctl.reload, false);
		bool do_stop = ctl.stop || ctl.milter_ended;
		lock.unlock();

		if (do_stop) {
			log_line(log_level::info,
			         "stopping: no new connections, draining sessions");
			smfi_stop();
			milter_thread.join();
			drain();
			log_line(log_level::info, runtime::instance().stats.take_line());
			ctl.done = true;
			return;
		}
		if (do_reload)
			reload(options);
		bool stats_on =
		        runtime::instance().current()->settings().stats_interval_seconds > 0;
		if (stats_on && std::chrono::steady_clock::now() >= next_stats) {
			log_line(log_level::info, runtime::instance().stats.take_line());
			next_stats = stats_due();
		}
	}
}

void wait_for_signals(control &ctl)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	timespec tick{0, 200'000'000};
	while (!ctl.done) {
		int sig = sigtimedwait(&set, nullptr, &tick);
		if (sig < 0)
			continue;
		std::lock_guard lock(ctl.mutex);
		if (sig == SIGHUP)
			ctl.reload = true;
		else
			ctl.stop = true;
		ctl.wake.notify_all();
	}
}

tl::expected<void, std::string> open_socket(config const &cfg)
{
	static smfiDesc description = filter_description();
	if (smfi_register(description) == MI_FAILURE)
		return error("smfi_register failed");
	if (smfi_setconn(const_cast<char *>(cfg.socket.c_str())) == MI_FAILURE)
		return error("bad Socket " + cfg.socket);
	smfi_settimeout(cfg.session_timeout_seconds);
	if (smfi_opensocket(true) == MI_FAILURE)
		return error("cannot listen on " + cfg.socket + " (in use, or no permission)");
	set_nodelay_on_listeners();
	return {};
}

tl::expected<void, std::string> prepare(daemon_options const &options, config const &cfg)
{
	if (!options.foreground)
		if (auto r = detach(); !r)
			return r;
	if (auto r = open_socket(cfg); !r)
		return r;
	if (auto r = write_pid_file(cfg.pid_file); !r)
		return r;
	if (auto r = hand_over_socket(cfg.socket, cfg.user); !r)
		return r;
	return drop_privileges(cfg.user);
}

} // namespace

int run_daemon(daemon_options const &options, std::shared_ptr<const config> initial)
{
	log_open(initial->syslog_facility, options.foreground);
	auto first = make_policy(options, initial);
	if (!first) {
		log_line(log_level::error, "cannot start: " + first.error());
		return 78; // EX_CONFIG
	}
	runtime::instance().install(std::move(*first));
	if (auto ready = prepare(options, *initial); !ready) {
		log_line(log_level::error, "cannot start: " + ready.error());
		return 71; // EX_OSERR
	}

	// Block the signals in every thread; the main thread waits for them.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, nullptr);
	std::signal(SIGPIPE, SIG_IGN);

	control ctl;
	std::thread milter_thread([&] {
		if (smfi_main() == MI_FAILURE)
			log_line(log_level::error, "libmilter stopped with an error");
		ctl.milter_ended = true;
		ctl.wake.notify_all();
	});
	log_line(log_level::info, "started on " + initial->socket + ", mode " +
	                                  std::string(initial->source.get("Mode")) +
	                                  ", authserv-id " + initial->authserv_id);
	std::thread control_thread([&] { control_loop(options, ctl, milter_thread); });
	wait_for_signals(ctl);
	control_thread.join();
	if (!initial->pid_file.empty())
		unlink(initial->pid_file.c_str());
	log_line(log_level::info, "stopped");
	return 0;
}

} // namespace milter
