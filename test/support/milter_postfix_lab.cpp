#include "milter_postfix_lab.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include "lab.hpp"

namespace lab {
namespace fs = std::filesystem;

namespace {

std::string join(std::vector<std::string> const &items, std::string const &separator)
{
	std::string out;
	for (auto const &item : items)
		out += (out.empty() ? "" : separator) + item;
	return out;
}

std::string quote(std::string const &arg)
{
	std::string out = "'";
	for (char c : arg)
		out += c == '\'' ? std::string("'\\''") : std::string(1, c);
	return out + "'";
}

// Postfix's own daemons, without chroot, as master.cf lines.
constexpr const char *master_services =
        "cleanup   unix  n       -       n       -       0       cleanup\n"
        "qmgr      unix  n       -       n       300     1       qmgr\n"
        "rewrite   unix  -       -       n       -       -       trivial-rewrite\n"
        "bounce    unix  -       -       n       -       0       bounce\n"
        "defer     unix  -       -       n       -       0       bounce\n"
        "trace     unix  -       -       n       -       0       bounce\n"
        "verify    unix  -       -       n       -       1       verify\n"
        "flush     unix  n       -       n       1000?   0       flush\n"
        "proxymap  unix  -       -       n       -       -       proxymap\n"
        "smtp      unix  -       -       n       -       -       smtp\n"
        "relay     unix  -       -       n       -       -       smtp\n"
        "showq     unix  n       -       n       -       -       showq\n"
        "error     unix  -       -       n       -       -       error\n"
        "retry     unix  -       -       n       -       -       error\n"
        "discard   unix  -       -       n       -       -       discard\n"
        "local     unix  -       n       n       -       -       local\n"
        "virtual   unix  -       n       n       -       -       virtual\n"
        "anvil     unix  -       -       n       -       1       anvil\n"
        "scache    unix  -       -       n       -       1       scache\n"
        "postlog   unix-dgram n  -       n       -       1       postlogd\n";

} // namespace

struct milter_postfix_lab::impl {
	milter_postfix_options options;
	temp_dir dir{"1dall-postfix"};
	int port = free_tcp_port();
	bool running = false;

	fs::path conf() const { return dir / "conf"; }
	fs::path queue() const { return dir / "queue"; }
	fs::path maildir() const { return dir / "vmail" / "mail"; }

	std::string main_cf() const
	{
		passwd const *pw = getpwnam("postfix");
		if (pw == nullptr)
			throw std::runtime_error("no postfix user: install postfix");
		std::vector<std::string> lines{
		        "compatibility_level = 3.6",
		        "queue_directory = " + queue().string(),
		        "data_directory = " + (dir / "data").string(),
		        "maillog_file = " + (dir / "postfix.log").string(),
		        "maillog_file_prefixes = " + dir.path().string(),
		        "mail_owner = postfix",
		        "setgid_group = postdrop",
		        "inet_interfaces = 127.0.0.1",
		        "inet_protocols = ipv4",
		        "myhostname = " + options.hostname,
		        "mydomain = " + options.local_domains.front(),
		        "mydestination =",
		        "mynetworks = 127.0.0.0/8",
		        "relayhost =",
		        "alias_maps =",
		        "alias_database =",
		        "local_recipient_maps =",
		        "smtputf8_enable = no",
		        "biff = no",
		        "smtpd_recipient_restrictions = reject_unauth_destination",
		        "virtual_mailbox_domains = " + join(options.local_domains, ", "),
		        "virtual_mailbox_base = " + (dir / "vmail").string(),
		        "virtual_mailbox_maps = static:mail/",
		        "virtual_uid_maps = static:" + std::to_string(pw->pw_uid),
		        "virtual_gid_maps = static:" + std::to_string(pw->pw_gid),
		        "virtual_minimum_uid = 1",
		        "smtpd_milters = " + options.milter_socket,
		        "milter_default_action = tempfail",
		        "milter_protocol = 6",
		        "milter_connect_timeout = 5s",
		        "in_flow_delay = 0",
		        "smtpd_error_sleep_time = 0",
		        "smtpd_soft_error_limit = 100",
		        "smtpd_hard_error_limit = 100",
		        "disable_dns_lookups = yes",
		        "smtp_dns_support_level = disabled",
		};
		for (auto const &l : options.extra_main_cf)
			lines.push_back(l);
		return join(lines, "\n") + "\n";
	}
};

milter_postfix_lab::milter_postfix_lab(milter_postfix_options options)
    : impl_(std::make_unique<impl>())
{
	impl_->options = std::move(options);
}

milter_postfix_lab::~milter_postfix_lab()
{
	stop();
}

void milter_postfix_lab::start()
{
	fs::create_directories(impl_->conf());
	fs::create_directories(impl_->queue());
	fs::create_directories(impl_->dir / "data");
	fs::create_directories(impl_->dir / "vmail");
	passwd const *pw = getpwnam("postfix");
	if (pw == nullptr || ::chown((impl_->dir / "vmail").c_str(), pw->pw_uid, pw->pw_gid) != 0 ||
	    ::chown((impl_->dir / "data").c_str(), pw->pw_uid, pw->pw_gid) != 0)
		throw std::runtime_error("cannot prepare folders for the postfix user");
	write_file(impl_->conf() / "main.cf", impl_->main_cf());
	write_file(impl_->conf() / "master.cf", "127.0.0.1:" + std::to_string(impl_->port) +
	                                                " inet n - n - - smtpd\n" +
	                                                master_services);
	auto log_file = impl_->dir / "postfix-start.log";
	int code = run({"postfix", "-c", impl_->conf().string(), "start"}, log_file);
	if (code != 0 || !wait_for_tcp("127.0.0.1", impl_->port, std::chrono::seconds(20)))
		throw std::runtime_error("postfix did not start:\n" + read_file(log_file) + log());
	impl_->running = true;
}

void milter_postfix_lab::stop()
{
	if (!impl_->running)
		return;
	run({"postfix", "-c", impl_->conf().string(), "stop"}, impl_->dir / "postfix-start.log");
	// postfix stop returns before master has gone; wait for its pid file.
	for (int i = 0; i < 100 && fs::exists(impl_->queue() / "pid" / "master.pid"); ++i)
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	impl_->running = false;
}

int milter_postfix_lab::smtp_port() const
{
	return impl_->port;
}

fs::path milter_postfix_lab::folder() const
{
	return impl_->dir.path();
}

std::vector<fs::path> milter_postfix_lab::queue_files() const
{
	std::vector<fs::path> files;
	for (auto const *sub : {"incoming", "active", "deferred", "hold", "maildrop"}) {
		auto d = impl_->queue() / sub;
		if (!fs::exists(d))
			continue;
		for (auto const &e : fs::recursive_directory_iterator(d))
			if (e.is_regular_file())
				files.push_back(e.path());
	}
	return files;
}

std::vector<fs::path> milter_postfix_lab::delivered() const
{
	std::vector<fs::path> files;
	for (auto const *sub : {"new", "cur"}) {
		auto d = impl_->maildir() / sub;
		if (!fs::exists(d))
			continue;
		for (auto const &e : fs::directory_iterator(d))
			files.push_back(e.path());
	}
	std::sort(files.begin(), files.end(), [](auto const &a, auto const &b) {
		return fs::last_write_time(a) < fs::last_write_time(b);
	});
	return files;
}

bool milter_postfix_lab::wait_delivered(std::size_t count, int seconds) const
{
	for (int i = 0; i < seconds * 10; ++i) {
		if (delivered().size() >= count)
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	return false;
}

std::string milter_postfix_lab::log() const
{
	auto file = impl_->dir / "postfix.log";
	return fs::exists(file) ? read_file(file) : std::string{};
}

std::string milter_postfix_lab::swaks(std::string const &from, std::string const &to,
                                      std::vector<std::string> const &extra) const
{
	std::string command = "swaks --server 127.0.0.1 --port " + std::to_string(impl_->port) +
	                      " --from " + quote(from) + " --to " + quote(to) + " --timeout 30";
	for (auto const &e : extra)
		command += " " + quote(e);
	return capture(command + " 2>&1");
}

} // namespace lab
