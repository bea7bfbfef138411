// blackboxd as a black box: the real daemon, over its real sockets.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <vector>

#include "blackbox/table_file.hpp"
#include "lab.hpp"
#include "socketmap_client.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct daemon_lab {
	lab::temp_dir dir{"bbx-daemon"};
	blackbox::master_key key = *blackbox::master_key::generate();
	int port = lab::free_tcp_port();
	fs::path socket = dir / "socketmap.sock";
	fs::path log = dir / "blackboxd.log";
	std::unique_ptr<lab::process> daemon;

	explicit daemon_lab(std::string const &extra = "")
	{
		REQUIRE(key.save(dir / "master.key"));
		seal("vmailbox", {{"alice@example.test", "example.test/alice/"},
		                  {"bob@example.test", "example.test/bob/"}});
		seal("virtual", {{"forward@example.test", "bob@example.test"}});
		lab::write_file(dir / "blackboxd.conf",
		                "listen = inet:127.0.0.1:" + std::to_string(port) +
		                        "\nlisten = unix:" + socket.string() +
		                        "\nkey_file = master.key\nuser = nobody\n"
		                        "max_request = 1000\n" +
		                        extra +
		                        "map vmailbox = vmailbox.bbx\nmap virtual = virtual.bbx\n");
		daemon = std::make_unique<lab::process>(
		        std::vector<std::string>{
		                (lab::binary_dir() / "blackbox" / "blackboxd").string(), "-f", "-d",
		                "-c", (dir / "blackboxd.conf").string()},
		        log);
		REQUIRE_MESSAGE(lab::wait_for_tcp("127.0.0.1", port, 10s), lab::read_file(log));
	}

	void seal(std::string const &name, std::vector<blackbox::table_entry> const &entries,
	          std::uint64_t generation = 0)
	{
		REQUIRE(blackbox::seal_to_file(entries, name, dir / (name + ".bbx"), key,
		                               generation));
	}

	void hup() { ::kill(daemon->pid(), SIGHUP); }

	// Polls until the log mentions `text`.
	bool log_says(std::string const &text, std::chrono::milliseconds timeout = 5s)
	{
		auto deadline = std::chrono::steady_clock::now() + timeout;
		while (std::chrono::steady_clock::now() < deadline) {
			if (lab::read_file(log).find(text) != std::string::npos)
				return true;
			std::this_thread::sleep_for(50ms);
		}
		return false;
	}
};

std::string ok(std::string const &value)
{
	return "OK " + value;
}

} // namespace

TEST_CASE("lookups over TCP and the unix socket, on one persistent connection")
{
	daemon_lab lab;
	lab::socketmap_client tcp(lab.port);
	REQUIRE(tcp.connected());
	CHECK(tcp.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));
	CHECK(tcp.lookup("vmailbox", "BOB@example.test") == ok("example.test/bob/"));
	CHECK(tcp.lookup("vmailbox", "nobody@example.test") == std::string("NOTFOUND "));
	CHECK(tcp.lookup("virtual", "forward@example.test") == ok("bob@example.test"));
	auto unknown = tcp.lookup("nosuchmap", "x");
	REQUIRE(unknown);
	CHECK(unknown->rfind("PERM ", 0) == 0);
	// A well-framed but meaningless request gets PERM; the connection stays.
	REQUIRE(tcp.send_raw("7:nospace,"));
	auto perm = tcp.read_reply();
	REQUIRE(perm);
	CHECK(perm->rfind("PERM ", 0) == 0);
	CHECK(tcp.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));

	lab::socketmap_client unix_client(lab.socket.string());
	REQUIRE(unix_client.connected());
	CHECK(unix_client.lookup("virtual", "forward@example.test") == ok("bob@example.test"));
}

TEST_CASE("pipelined requests are answered in order")
{
	daemon_lab lab;
	lab::socketmap_client c(lab.port);
	REQUIRE(c.send_raw("27:vmailbox alice@example.test,"
	                   "25:vmailbox bob@example.test,"
	                   "11:vmailbox zz,"));
	CHECK(c.read_reply() == ok("example.test/alice/"));
	CHECK(c.read_reply() == ok("example.test/bob/"));
	CHECK(c.read_reply() == std::string("NOTFOUND "));
}

TEST_CASE("a malformed netstring gets PERM and the connection is closed")
{
	daemon_lab lab;
	for (std::string bad : {"abc", "5:vmailbox,", "03:abc,", "x:y,"}) {
		lab::socketmap_client c(lab.port);
		REQUIRE(c.send_raw(bad));
		auto reply = c.read_reply();
		REQUIRE_MESSAGE(reply, bad);
		CHECK(reply->rfind("PERM ", 0) == 0);
		CHECK(c.closed_by_peer());
	}
	// The server is still there for everyone else.
	lab::socketmap_client c(lab.port);
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));
}

TEST_CASE("an oversized request is refused before it is buffered")
{
	daemon_lab lab;
	lab::socketmap_client c(lab.port);
	REQUIRE(c.send_raw("5000000:vmailbox "));
	auto reply = c.read_reply();
	REQUIRE(reply);
	CHECK(reply->rfind("PERM ", 0) == 0);
	CHECK(c.closed_by_peer());

	lab::socketmap_client d(lab.port);
	REQUIRE(d.send_request("vmailbox", std::string(1200, 'a')));
	auto too_long = d.read_reply();
	REQUIRE(too_long);
	CHECK(too_long->rfind("PERM ", 0) == 0);
}

TEST_CASE("many concurrent clients all get the right answers")
{
	daemon_lab lab;
	std::atomic<int> wrong{0};
	std::vector<std::thread> clients;
	clients.reserve(32);
	for (int t = 0; t < 32; ++t)
		clients.emplace_back([&, t] {
			lab::socketmap_client c(lab.port);
			for (int i = 0; i < 100; ++i) {
				bool alice = (i + t) % 2 == 0;
				auto r = c.lookup("vmailbox", alice ? "alice@example.test"
				                                    : "bob@example.test");
				if (r != ok(alice ? "example.test/alice/" : "example.test/bob/"))
					++wrong;
			}
		});
	for (auto &t : clients)
		t.join();
	CHECK(wrong == 0);
}

TEST_CASE("a slow or stalled client does not hold up others")
{
	daemon_lab lab;
	lab::socketmap_client stalled(lab.port);
	REQUIRE(stalled.send_raw("27:vmailbox ali")); // and then nothing
	lab::socketmap_client dripping(lab.port);
	// A client that floods requests and never reads a reply.
	lab::socketmap_client flooder(lab.port);
	std::string flood;
	for (int i = 0; i < 20000; ++i)
		flood += "27:vmailbox alice@example.test,";
	std::thread flooding([&] { flooder.send_raw(flood); });

	lab::socketmap_client other(lab.port);
	for (int i = 0; i < 50; ++i) {
		auto start = std::chrono::steady_clock::now();
		CHECK(other.lookup("vmailbox", "bob@example.test") == ok("example.test/bob/"));
		CHECK(std::chrono::steady_clock::now() - start < 1s);
	}
	// Byte by byte still works.
	std::string request = "25:vmailbox bob@example.test,";
	for (char ch : request) {
		REQUIRE(dripping.send_raw(std::string(1, ch)));
		std::this_thread::sleep_for(2ms);
	}
	CHECK(dripping.read_reply() == ok("example.test/bob/"));
	REQUIRE(stalled.send_raw("ce@example.test,"));
	CHECK(stalled.read_reply() == ok("example.test/alice/"));
	flooder.read_reply(100ms);
	lab.daemon->stop();
	flooding.join();
}

TEST_CASE("a client that stops mid-request is disconnected after request_timeout")
{
	daemon_lab lab("request_timeout = 1\n");
	lab::socketmap_client c(lab.port);
	REQUIRE(c.send_raw("27:vmailbox al"));
	CHECK(c.closed_by_peer(5s));
	CHECK(lab.log_says("request not completed in time"));
}

TEST_CASE("SIGHUP reload: a broken file keeps the old table, a good one replaces it")
{
	daemon_lab lab;
	lab::socketmap_client c(lab.port);
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));

	// Damage the table (atomically, as an attacker or a bad copy would).
	std::string bytes = lab::read_file(lab.dir / "vmailbox.bbx");
	bytes[bytes.size() / 2] ^= 0x40;
	lab::write_file(lab.dir / "broken", bytes);
	fs::rename(lab.dir / "broken", lab.dir / "vmailbox.bbx");
	lab.hup();
	CHECK(lab.log_says("reload failed, still serving generation 1"));
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));

	lab.seal("vmailbox", {{"alice@example.test", "example.test/alice-new/"}}, 5);
	lab.hup();
	CHECK(lab.log_says("generation=5"));
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice-new/"));
	CHECK(c.lookup("vmailbox", "bob@example.test") == std::string("NOTFOUND "));

	// Replaying an older, validly sealed copy is refused.
	lab.seal("vmailbox", {{"alice@example.test", "example.test/old/"}}, 3);
	lab.hup();
	CHECK(lab.log_says("generation 3 is older than generation 5"));
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice-new/"));

	// A table sealed as another table is refused too.
	lab.seal("virtual", {{"alice@example.test", "x"}}, 9);
	fs::copy_file(lab.dir / "virtual.bbx", lab.dir / "vmailbox.bbx",
	              fs::copy_options::overwrite_existing);
	lab.hup();
	CHECK(lab.log_says("wrong table name"));
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice-new/"));
}

TEST_CASE("a changed table file is picked up without a signal")
{
	daemon_lab lab("check_interval = 1\n");
	lab::socketmap_client c(lab.port);
	lab.seal("virtual", {{"forward@example.test", "carol@example.test"}});
	bool updated = false;
	for (int i = 0; i < 50 && !updated; ++i) {
		updated = c.lookup("virtual", "forward@example.test") == ok("carol@example.test");
		std::this_thread::sleep_for(100ms);
	}
	CHECK(updated);
}

TEST_CASE("a broken configuration on SIGHUP keeps everything as it was")
{
	daemon_lab lab;
	lab::write_file(lab.dir / "blackboxd.conf", "map = nonsense\n");
	lab.hup();
	CHECK(lab.log_says("keeping the current configuration"));
	lab::socketmap_client c(lab.port);
	CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));
}

TEST_CASE("the daemon runs as the configured user and never logs a value")
{
	daemon_lab lab;
	{
		lab::socketmap_client c(lab.port);
		CHECK(c.lookup("vmailbox", "alice@example.test") == ok("example.test/alice/"));
		CHECK(c.lookup("virtual", "forward@example.test") == ok("bob@example.test"));
	}
	std::string status =
	        lab::read_file("/proc/" + std::to_string(lab.daemon->pid()) + "/status");
	CHECK(status.find("Uid:\t65534\t65534\t65534\t65534") != std::string::npos);
	CHECK(lab.log_says("result=found"));
	std::string log = lab::read_file(lab.log);
	for (char const *secret : {"example.test/alice/", "bob@example.test", "alice@example.test"})
		CHECK_MESSAGE(log.find(secret) == std::string::npos, secret);
}

TEST_CASE("blackboxd -n checks the configuration, the key and every table")
{
	daemon_lab lab;
	std::string daemon = (lab::binary_dir() / "blackbox" / "blackboxd").string();
	fs::path out = lab.dir / "check.out";
	CHECK(lab::run({daemon, "-n", "-c", (lab.dir / "blackboxd.conf").string()}, out) == 0);
	CHECK(lab::read_file(out).find("map vmailbox = ") != std::string::npos);

	lab::write_file(lab.dir / "bad.conf", "user = nobody\nmax_request = lots\nmap a = b\n");
	CHECK(lab::run({daemon, "-n", "-c", (lab.dir / "bad.conf").string()}, out) == 1);
	CHECK(lab::read_file(out).find("bad.conf:2: ") != std::string::npos);

	fs::permissions(lab.dir / "master.key", fs::perms::group_read, fs::perm_options::add);
	CHECK(lab::run({daemon, "-n", "-c", (lab.dir / "blackboxd.conf").string()}, out) == 1);
	CHECK(lab::read_file(out).find("chmod 600") != std::string::npos);
}
