#include "postfix_lab.hpp"

#include <csignal>
#include <cstdlib>
#include <thread>

#include <pwd.h>
#include <unistd.h>

#include "lab.hpp"

namespace lab {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Every service Postfix needs, none chrooted; pickup wakes each second
// so injected mail moves at once.
constexpr char master_services[] = R"(pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
)";

std::string shell_quote(std::string const &s)
{
	std::string q = "'";
	for (char c : s) {
		if (c == '\'')
			q += "'\\''";
		else
			q += c;
	}
	return q + "'";
}

} // namespace

postfix_lab::postfix_lab(fs::path root, postfix_options options)
    : root_(std::move(root)), options_(std::move(options))
{
	port_ = options_.smtp_port != 0 ? options_.smtp_port : free_tcp_port();
	log_file_ = options_.log_file.empty() ? root_ / "log" / "maillog" : options_.log_file;
}

postfix_lab::~postfix_lab()
{
	stop();
}

void postfix_lab::write_config() const
{
	fs::create_directories(config_dir());
	fs::create_directories(queue_dir());
	fs::create_directories(root_ / "data");
	fs::create_directories(log_file_.parent_path());
	// master.lock and the caches live in data_directory, owned by postfix.
	if (passwd *pw = ::getpwnam("postfix"))
		(void)!::chown((root_ / "data").c_str(), pw->pw_uid, pw->pw_gid);

	std::string main_cf = "compatibility_level = 3.6\n"
	                      "queue_directory = " +
	                      queue_dir().string() +
	                      "\ndata_directory = " + (root_ / "data").string() +
	                      "\nmail_owner = postfix\n"
	                      "setgid_group = postdrop\n"
	                      "myhostname = mx.lab.test\n"
	                      "mydomain = lab.test\n"
	                      "mydestination =\n"
	                      "inet_interfaces = 127.0.0.1\n"
	                      "inet_protocols = ipv4\n"
	                      "mynetworks = 127.0.0.0/8\n"
	                      "alias_maps =\n"
	                      "alias_database =\n"
	                      "biff = no\n"
	                      "smtp_dns_support_level = disabled\n"
	                      "default_transport = error:no outbound mail in the lab\n"
	                      "maillog_file = " +
	                      log_file_.string() +
	                      "\nmaillog_file_prefixes = " + log_file_.parent_path().string() +
	                      "\n"
	                      "queue_run_delay = 1s\n"
	                      "minimal_backoff_time = 1s\n"
	                      "maximal_backoff_time = 2s\n"
	                      "delay_warning_time = 0\n" +
	                      options_.main_cf_extra + "\n";
	write_file(config_dir() / "main.cf", main_cf);
	write_file(config_dir() / "master.cf", "127.0.0.1:" + std::to_string(port_) +
	                                               " inet n - n - - smtpd\n" + master_services +
	                                               options_.master_cf_extra + "\n");
}

bool postfix_lab::start(std::string *error)
{
	write_config();
	std::string output;
	if (postfix_command({"postfix", "check"}, &output) != 0) {
		if (error != nullptr)
			*error = "postfix check failed: " + output + log();
		return false;
	}
	if (postfix_command({"postfix", "start"}, &output) != 0) {
		if (error != nullptr)
			*error = "postfix start failed: " + output + log();
		return false;
	}
	started_ = true;
	if (!wait_for_tcp("127.0.0.1", port_, 20s)) {
		if (error != nullptr)
			*error = "smtpd does not answer on port " + std::to_string(port_) + "\n" +
			         log();
		return false;
	}
	return true;
}

void postfix_lab::stop()
{
	if (!started_)
		return;
	started_ = false;
	postfix_command({"postfix", "stop"});
	fs::path pid_file = queue_dir() / "pid" / "master.pid";
	auto deadline = std::chrono::steady_clock::now() + 10s;
	std::string pid = read_file(pid_file);
	while (!pid.empty() && std::chrono::steady_clock::now() < deadline) {
		int p = std::atoi(pid.c_str());
		if (p <= 0 || ::kill(p, 0) != 0)
			return;
		std::this_thread::sleep_for(50ms);
	}
	postfix_command({"postfix", "abort"});
}

int postfix_lab::postfix_command(std::vector<std::string> argv, std::string *output) const
{
	std::string command = shell_quote(argv[0]) + " -c " + shell_quote(config_dir().string());
	for (std::size_t i = 1; i < argv.size(); ++i)
		command += " " + shell_quote(argv[i]);
	int code = -1;
	std::string out = capture(command + " 2>&1", &code);
	if (output != nullptr)
		*output = out;
	return code;
}

std::string postfix_lab::log() const
{
	return read_file(log_file_);
}

bool postfix_lab::wait_for_log(std::string const &text, std::chrono::milliseconds timeout) const
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		if (log().find(text) != std::string::npos)
			return true;
		std::this_thread::sleep_for(100ms);
	}
	return false;
}

std::string postfix_lab::mailq() const
{
	std::string out;
	postfix_command({"postqueue", "-p"}, &out);
	return out;
}

bool postfix_lab::queue_empty() const
{
	return mailq().find("Mail queue is empty") != std::string::npos;
}

bool postfix_lab::wait_queue_empty(std::chrono::milliseconds timeout) const
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (std::chrono::steady_clock::now() < deadline) {
		if (queue_empty())
			return true;
		std::this_thread::sleep_for(200ms);
	}
	return false;
}

void postfix_lab::flush() const
{
	postfix_command({"postqueue", "-f"});
}

void postfix_lab::release_held() const
{
	postfix_command({"postsuper", "-H", "ALL"});
}

} // namespace lab
