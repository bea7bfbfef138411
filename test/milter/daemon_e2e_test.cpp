// The daemon over its real socket, driven by miltertest (the Lua milter
// client from OpenDKIM), with the table-driven trust engine: replies,
// header edits, logging, reload, privilege drop and shutdown.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <pwd.h>

#include "lab.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char *base_rules =
        "spf partner.example pass ip4:192.0.2.7 matched\n"
        "trust partner.example example.net pass mutual declarations\n"
        "trust slow.example example.net temperror _1dtn.slow.example timed out\n"
        "trust signed.example example.net pass dkim needs a signature\n";

std::string base_config(fs::path const &dir, std::string const &extra = "")
{
	return "Socket unix:" + (dir / "milter.sock").string() + "\n" + "PidFile " +
	       (dir / "milter.pid").string() + "\n" +
	       "User nobody\nTrustedNetworks none\nAuthservId mx.example.net\n"
	       "StatsInterval 1\n" +
	       extra;
}

fs::path daemon_program()
{
	return lab::binary_dir() / "test/milter/test_milter_daemon";
}

struct daemon_lab {
	lab::temp_dir dir{"1dall-milter"};
	std::string socket = "unix:" + (dir / "milter.sock").string();
	std::unique_ptr<lab::process> daemon;

	explicit daemon_lab(std::string const &extra = "", std::string const &rules = base_rules)
	{
		REQUIRE(lab::have_program("miltertest"));
		lab::write_file(dir / "rules", rules);
		lab::write_file(dir / "milter.conf", base_config(dir.path(), extra));
		::setenv("ONEDALL_FAKE_TRUST", (dir / "rules").c_str(), 1);
		daemon = std::make_unique<lab::process>(
		        std::vector<std::string>{daemon_program().string(), "-f", "-c",
		                                 (dir / "milter.conf").string()},
		        dir / "daemon.log");
		REQUIRE(log_shows("started on", 10s));
	}

	// Runs a script of test/milter/lua with -D definitions; true if it
	// passed. Its output goes to miltertest.log.
	bool script(std::string const &name, std::vector<std::string> defines)
	{
		std::vector<std::string> argv{"miltertest", "-D", "socket=" + socket};
		for (auto &d : defines) {
			argv.push_back("-D");
			argv.push_back(d);
		}
		argv.push_back("-s");
		argv.push_back((lab::source_dir() / "test/milter/lua" / name).string());
		return lab::run(argv, dir / "miltertest.log") == 0;
	}

	bool rcpt(std::string const &sender, std::string const &rcpt, std::string const &expect,
	          std::vector<std::string> extra = {})
	{
		extra.push_back("sender=" + sender);
		extra.push_back("rcpt=" + rcpt);
		extra.push_back("expect=" + expect);
		return script("expect_rcpt.lua", extra);
	}

	std::string log() { return lab::read_file(dir / "daemon.log"); }

	// Waits until the log contains `text`.
	bool log_shows(std::string const &text, std::chrono::milliseconds timeout = 5s)
	{
		auto end = std::chrono::steady_clock::now() + timeout;
		while (std::chrono::steady_clock::now() < end) {
			if (log().find(text) != std::string::npos)
				return true;
			std::this_thread::sleep_for(50ms);
		}
		return false;
	}
};

} // namespace

TEST_CASE("CASE 1: a sender without a declaration is refused at RCPT with 550")
{
	daemon_lab lab;
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "refuse"));
	CHECK(lab.log_shows("sender=<ceo@evil.example> rcpt=<alice@example.net> result=fail "
	                    "action=reject"));
	CHECK(lab.log_shows("qid=QID1"));
	CHECK(lab.log_shows("_1dtn.evil.example"));
}

TEST_CASE("CASE 2: a trusted partner passes with our Authentication-Results")
{
	daemon_lab lab;
	CHECK(lab.script("trusted_partner.lua", {"authserv=mx.example.net"}));
	CHECK(lab.log_shows("result=pass action=accept"));
	CHECK(lab::read_file(lab.dir / "miltertest.log").find("x-1dtn=pass") != std::string::npos);
}

TEST_CASE("recipients are decided one by one; exempt ones always pass")
{
	daemon_lab lab;
	CHECK(lab.script("mixed_recipients.lua", {}));
	CHECK(lab.log_shows("rcpt=<bob@example.org> result=fail action=reject"));
	CHECK(lab.log_shows("rcpt=<postmaster@example.org> result=exempt action=accept"));
}

TEST_CASE("a DNS temporary error answers 451; OnTempError accept lets it in")
{
	{
		daemon_lab lab;
		CHECK(lab.rcpt("<a@slow.example>", "<alice@example.net>", "refuse"));
		CHECK(lab.log_shows("result=temperror action=tempfail"));
	}
	{
		daemon_lab lab("OnTempError accept\n");
		CHECK(lab.rcpt("<a@slow.example>", "<alice@example.net>", "continue"));
		CHECK(lab.log_shows("result=temperror action=would-reject"));
	}
}

TEST_CASE("auth=dkim senders get 451 at end of data until DKIM is checked")
{
	daemon_lab lab;
	CHECK(lab.script("dkim_sender.lua", {}));
	CHECK(lab.log_shows("stage=eom"));
	CHECK(lab.log_shows("result=temperror action=tempfail"));
}

TEST_CASE("monitor mode never refuses and logs what it would have done")
{
	daemon_lab lab("Mode monitor\n");
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "continue"));
	CHECK(lab.log_shows("result=fail action=would-reject"));
}

TEST_CASE("trusted networks and authenticated senders skip the inbound check")
{
	daemon_lab lab("TrustedNetworks 192.0.2.0/24\n");
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "continue"));
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "continue",
	               {"client_ip=198.51.100.1", "auth=alice"}));
	CHECK(lab.log_shows("reason=\"authenticated sender\""));
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "refuse",
	               {"client_ip=198.51.100.1"}));
}

TEST_CASE("outbound check refuses mail to domains that do not trust us")
{
	daemon_lab lab("OutboundCheck refuse\nLocalDomains example.net\n");
	CHECK(lab.rcpt("<alice@example.net>", "<bob@stranger.example>", "refuse", {"auth=alice"}));
	CHECK(lab.log_shows(
	        "rcpt=<bob@stranger.example> result=fail action=reject reason=\"outbound: "));
}

TEST_CASE("SIGHUP reloads; a broken file keeps the running configuration")
{
	daemon_lab lab;
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "refuse"));

	lab::write_file(lab.dir / "rules",
	                std::string(base_rules) +
	                        "trust evil.example example.net pass now trusted\n");
	::kill(lab.daemon->pid(), SIGHUP);
	REQUIRE(lab.log_shows("configuration reloaded"));
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "continue"));

	lab::write_file(lab.dir / "milter.conf", base_config(lab.dir.path(), "Mode sometimes\n"));
	::kill(lab.daemon->pid(), SIGHUP);
	REQUIRE(lab.log_shows("reload failed, keeping the running configuration"));
	CHECK(lab.log().find("invalid value 'sometimes'") != std::string::npos);
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "continue"));
	CHECK(lab.daemon->running());
}

TEST_CASE("runs as the configured user, writes its pid, logs stats, stops on SIGTERM")
{
	daemon_lab lab;
	auto pid = lab.daemon->pid();
	CHECK(std::stoi(lab::read_file(lab.dir / "milter.pid")) == pid);
	auto status = lab::read_file("/proc/" + std::to_string(pid) + "/status");
	passwd const *nobody = getpwnam("nobody");
	REQUIRE(nobody != nullptr);
	CHECK(status.find("Uid:\t" + std::to_string(nobody->pw_uid) + "\t" +
	                  std::to_string(nobody->pw_uid)) != std::string::npos);
	CHECK(lab.rcpt("<ceo@evil.example>", "<alice@example.net>", "refuse"));
	CHECK(lab.log_shows("stats connections=1"));

	::kill(pid, SIGTERM);
	CHECK(lab.daemon->wait_exit(15s) == 0);
	CHECK(lab.log().find("stopped") != std::string::npos);
}

TEST_CASE("-n prints the effective configuration; errors exit 78; -V prints the version")
{
	lab::temp_dir dir("1dall-milter-n");
	lab::write_file(dir / "good.conf", "Mode monitor\n");
	lab::write_file(dir / "bad.conf", "Mode monitor\nSocket inet:8891\nNoSuchKey 1\n");
	int code = -1;
	auto out = lab::capture(
	        daemon_program().string() + " -n -c " + (dir / "good.conf").string(), &code);
	CHECK(code == 0);
	CHECK(out.find("Mode monitor\n") != std::string::npos);
	CHECK(out.find("Socket inet:8895@127.0.0.1\n") != std::string::npos);
	auto err = lab::capture(daemon_program().string() + " -n -c " +
	                                (dir / "bad.conf").string() + " 2>&1",
	                        &code);
	CHECK(code == 78);
	CHECK(err.find("bad.conf:3: unknown setting 'NoSuchKey'") != std::string::npos);
	lab::capture(daemon_program().string() + " -V", &code);
	CHECK(code == 0);
	lab::capture(daemon_program().string() + " -x 2>/dev/null", &code);
	CHECK(code == 64);
}
