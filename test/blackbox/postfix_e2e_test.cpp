// End to end: a private Postfix reads its mailbox, alias, canonical and
// transport tables only through blackboxd, from sealed files.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab.hpp"
#include "postfix_lab.hpp"

using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// A one-connection-at-a-time SMTP or LMTP server that accepts
// everything and records each recipient with the message it got: the
// far end of the routing test, and the mail store (as Dovecot's LMTP
// would be) for virtual mailboxes.
class smtp_sink {
      public:
	explicit smtp_sink(bool lmtp = false) : port_(lab::free_tcp_port()), lmtp_(lmtp)
	{
		fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int on = 1;
		::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_port = htons(static_cast<uint16_t>(port_));
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		REQUIRE(::bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
		REQUIRE(::listen(fd_, 8) == 0);
		thread_ = std::thread([this] { serve(); });
	}
	~smtp_sink()
	{
		stop_ = true;
		thread_.join();
		::close(fd_);
	}
	int port() const { return port_; }
	struct delivery {
		std::string recipient;
		std::string message;
	};
	std::vector<delivery> deliveries()
	{
		std::lock_guard lock(mutex_);
		return deliveries_;
	}
	// Messages delivered to `recipient` that contain `marker`.
	int count(std::string const &recipient, std::string const &marker)
	{
		int n = 0;
		for (auto const &d : deliveries())
			if (d.recipient == recipient && d.message.find(marker) != std::string::npos)
				++n;
		return n;
	}
	bool wait_for(std::string const &recipient, std::string const &marker,
	              std::chrono::milliseconds timeout = 30s)
	{
		auto deadline = std::chrono::steady_clock::now() + timeout;
		while (std::chrono::steady_clock::now() < deadline) {
			if (count(recipient, marker) > 0)
				return true;
			std::this_thread::sleep_for(100ms);
		}
		return false;
	}

      private:
	void serve()
	{
		while (!stop_) {
			pollfd p{fd_, POLLIN, 0};
			if (::poll(&p, 1, 100) <= 0)
				continue;
			int c = ::accept(fd_, nullptr, nullptr);
			if (c >= 0) {
				session(c);
				::close(c);
			}
		}
	}
	static void say(int c, std::string const &line)
	{
		std::string l = line + "\r\n";
		(void)!::send(c, l.data(), l.size(), MSG_NOSIGNAL);
	}
	void session(int c)
	{
		say(c, "220 sink.lab.test ESMTP");
		std::string buffer;
		std::string message;
		std::vector<std::string> rcpts;
		bool in_data = false;
		char chunk[4096];
		while (!stop_) {
			pollfd p{c, POLLIN, 0};
			if (::poll(&p, 1, 100) <= 0)
				continue;
			ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
			if (n <= 0)
				return;
			buffer.append(chunk, static_cast<std::size_t>(n));
			std::size_t eol;
			while ((eol = buffer.find("\r\n")) != std::string::npos) {
				std::string line = buffer.substr(0, eol);
				buffer.erase(0, eol + 2);
				if (in_data) {
					if (line != ".") {
						message += line + "\n";
						continue;
					}
					in_data = false;
					std::lock_guard lock(mutex_);
					for (auto const &r : rcpts) {
						deliveries_.push_back({r, message});
						// LMTP answers once per recipient; SMTP once.
						say(c, "250 2.0.0 stored");
						if (!lmtp_)
							break;
					}
					continue;
				}
				std::string verb = line.substr(0, 4);
				for (char &ch : verb)
					ch = static_cast<char>(
					        std::toupper(static_cast<unsigned char>(ch)));
				if (verb == "MAIL") {
					rcpts.clear();
					message.clear();
				}
				if (verb == "RCPT") {
					std::size_t lt = line.find('<'), gt = line.find('>');
					if (lt != std::string::npos && gt != std::string::npos &&
					    gt > lt)
						rcpts.push_back(line.substr(lt + 1, gt - lt - 1));
				}
				if (verb == "DATA") {
					in_data = true;
					say(c, "354 go on");
				} else if (verb == "QUIT") {
					say(c, "221 bye");
					return;
				} else {
					say(c, "250 ok");
				}
			}
		}
	}

	int port_;
	int fd_ = -1;
	std::atomic<bool> stop_{false};
	std::thread thread_;
	bool lmtp_;
	std::mutex mutex_;
	std::vector<delivery> deliveries_;
};

struct swaks_result {
	int code = -1;
	std::string output;
};

swaks_result send_mail(int port, std::string const &from, std::string const &to,
                       std::string const &subject)
{
	swaks_result r;
	r.output = lab::capture("swaks --server 127.0.0.1:" + std::to_string(port) + " --from '" +
	                                from + "' --to '" + to + "' --header 'Subject: " + subject +
	                                "' --timeout 30 2>&1",
	                        &r.code);
	return r;
}

// Every regular file under `root` whose bytes contain `needle`.
std::vector<std::string> files_containing(fs::path const &root, std::string const &needle)
{
	std::vector<std::string> hits;
	for (auto const &e : fs::recursive_directory_iterator(root))
		if (e.is_regular_file() &&
		    lab::read_file(e.path()).find(needle) != std::string::npos)
			hits.push_back(e.path().string());
	return hits;
}

struct table {
	std::string name;
	std::vector<std::pair<std::string, std::string>> entries;
};

} // namespace

TEST_CASE("Postfix delivers, forwards, rewrites and routes through blackboxd, and defers "
          "while it is down")
{
	REQUIRE(lab::have_program("postfix"));
	REQUIRE(lab::have_program("swaks"));
	lab::temp_dir root("bbx-e2e");
	fs::path plain = root / "plain"; // sources, deleted after sealing
	fs::path vault = root / "blackbox";
	fs::create_directories(plain);
	fs::create_directories(vault);

	// virtual(8) refuses socketmap tables ("not allowed for
	// security-sensitive data"), so mailboxes are delivered over LMTP,
	// as to Dovecot; the sink plays the mail store.
	smtp_sink store(true);
	smtp_sink relay;
	int bb_port = lab::free_tcp_port();
	std::string transport_value = "smtp:[127.0.0.1]:" + std::to_string(relay.port());
	std::vector<table> tables{
	        {"vmailbox",
	         {{"alice@example.test", "example.test/alice/"},
	          {"bob@example.test", "example.test/bob/"}}},
	        {"virtual", {{"forward@example.test", "bob@example.test"}}},
	        {"canonical", {{"a.liddell@example.test", "alice@example.test"}}},
	        {"transport", {{"carol@routed.test", transport_value}}},
	};

	std::string tool = (lab::binary_dir() / "blackbox" / "blackbox").string();
	std::string key = (vault / "master.key").string();
	REQUIRE(lab::run({tool, "keygen", key}) == 0);
	std::string conf = "listen = inet:127.0.0.1:" + std::to_string(bb_port) +
	                   "\nkey_file = master.key\nuser = nobody\n";
	for (auto const &t : tables) {
		std::string source = "# " + t.name + "\n";
		for (auto const &[k, v] : t.entries)
			source.append(k).append("\t").append(v).append("\n");
		lab::write_file(plain / t.name, source);
		REQUIRE(lab::run({tool, "-k", key, "seal", (vault / t.name).string(),
		                  (plain / t.name).string()}) == 0);
		conf.append("map ").append(t.name).append(" = ").append(t.name).append(".bbx\n");
	}
	fs::remove_all(plain);
	lab::write_file(vault / "blackboxd.conf", conf);

	std::vector<std::string> blackboxd_argv{
	        (lab::binary_dir() / "blackbox" / "blackboxd").string(), "-f", "-d", "-c",
	        (vault / "blackboxd.conf").string()};
	auto blackboxd = std::make_unique<lab::process>(blackboxd_argv, vault / "blackboxd.log");
	REQUIRE(lab::wait_for_tcp("127.0.0.1", bb_port, 10s));

	std::string sm = "socketmap:inet:127.0.0.1:" + std::to_string(bb_port) + ":";
	lab::postfix_options options;
	options.log_file = root / "log" / "maillog";
	options.main_cf_extra = "virtual_mailbox_domains = example.test\n"
	                        "virtual_transport = lmtp:inet:127.0.0.1:" +
	                        std::to_string(store.port()) +
	                        "\nrelay_domains = routed.test\n"
	                        "virtual_mailbox_maps = " +
	                        sm + "vmailbox\nvirtual_alias_maps = " + sm +
	                        "virtual\nrecipient_canonical_maps = " + sm +
	                        "canonical\ntransport_maps = " + sm +
	                        "transport\n"
	                        "smtpd_sender_restrictions = check_sender_access "
	                        "inline:{ held@sender.test=HOLD }\n";
	lab::postfix_lab postfix(root / "postfix", options);
	std::string error;
	REQUIRE_MESSAGE(postfix.start(&error), error);
	int port = postfix.smtp_port();

	// Delivery to the right mailbox; unknown users are refused.
	auto r = send_mail(port, "x@sender.test", "alice@example.test", "to-alice");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(store.wait_for("alice@example.test", "to-alice"));
	r = send_mail(port, "x@sender.test", "nobody@example.test", "to-nobody");
	CHECK_MESSAGE(r.output.find("<** 550 5.1.1") != std::string::npos, r.output);

	// Forwarding (virtual_alias_maps).
	r = send_mail(port, "x@sender.test", "forward@example.test", "forwarded");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(store.wait_for("bob@example.test", "forwarded"));
	CHECK(store.count("forward@example.test", "forwarded") == 0);

	// Rewriting (recipient_canonical_maps): envelope and To: header.
	r = send_mail(port, "x@sender.test", "a.liddell@example.test", "rewritten");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(store.wait_for("alice@example.test", "rewritten"));
	CHECK(store.count("alice@example.test", "To: alice@example.test") >= 1);

	// Routing (transport_maps) to another server.
	r = send_mail(port, "x@sender.test", "carol@routed.test", "routed");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(relay.wait_for("carol@routed.test", "routed"));

	// A message that waits in the hold queue while blackboxd goes away.
	r = send_mail(port, "held@sender.test", "alice@example.test", "held-then-released");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(postfix.wait_for_log("from=<held@sender.test>"));
	CHECK_FALSE(postfix.queue_empty());

	blackboxd->stop();

	// New mail is refused with a temporary error, never a bounce.
	r = send_mail(port, "x@sender.test", "alice@example.test", "while-down");
	CHECK(r.code != 0);
	CHECK_MESSAGE(r.output.find("<** 451 4.3.0") != std::string::npos, r.output);

	// Queued mail is deferred, not bounced or lost.
	postfix.release_held();
	CHECK(postfix.wait_for_log("status=deferred"));
	CHECK(postfix.mailq().find("alice@example.test") != std::string::npos);
	CHECK(store.count("alice@example.test", "held-then-released") == 0);

	// Back up: the deferred message is delivered, new mail too.
	blackboxd = std::make_unique<lab::process>(blackboxd_argv, vault / "blackboxd.log");
	REQUIRE(lab::wait_for_tcp("127.0.0.1", bb_port, 10s));
	postfix.flush();
	CHECK(store.wait_for("alice@example.test", "held-then-released", 60s));
	CHECK(postfix.wait_queue_empty());
	r = send_mail(port, "x@sender.test", "alice@example.test", "after-restart");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(store.wait_for("alice@example.test", "after-restart"));
	CHECK_MESSAGE(postfix.log().find("status=bounced") == std::string::npos, postfix.log());
	CHECK(store.count("x@sender.test", "") == 0); // no bounce came back

	postfix.stop();
	blackboxd->stop();

	// No table key or value in plaintext anywhere in Postfix's or
	// BlackBOX's folders (the mail store and Postfix's log are elsewhere).
	for (auto const &t : tables)
		for (auto const &[k, v] : t.entries)
			for (auto const &needle : {k, v})
				for (auto const &dir : {root / "postfix", vault})
					CHECK_MESSAGE(files_containing(dir, needle).empty(),
					              needle << " found under " << dir);
}
