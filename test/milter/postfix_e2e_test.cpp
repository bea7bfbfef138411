// 1dall-milter behind a real private Postfix, deciding on real DNS: NSD
// serving signed zones (the DNS lab), the daemon's validating resolver
// forwarding to it, and swaks as the sending MTA.
#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "dns_lab.hpp"
#include "lab.hpp"
#include "milter_postfix_lab.hpp"

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char *spf_localhost = "@ TXT \"v=spf1 ip4:127.0.0.1 -all\"";

void add_zones(lab::dns_lab &dns)
{
	dns.add_zone("example.net",
	             {"_1dtn TXT \"v=1dtn1; trust=partner.example, later.example\""});
	dns.add_zone("partner.example",
	             {"_1dtn TXT \"v=1dtn1; trust=example.net\"", spf_localhost});
	dns.add_zone("later.example", {"_1dtn TXT \"v=1dtn1; trust=example.net\"", spf_localhost});
	// Declares trust in example.net, which does not declare it back.
	dns.add_zone("oneway.example", {"_1dtn TXT \"v=1dtn1; trust=example.net\"", spf_localhost});
	// No declaration at all.
	dns.add_zone("evil.example", {spf_localhost});
}

struct mail_lab {
	lab::dns_lab dns;
	lab::temp_dir dir{"1dall-milter-pf"};
	int milter_port = lab::free_tcp_port();
	std::unique_ptr<lab::process> milter;
	std::unique_ptr<lab::milter_postfix_lab> postfix;

	mail_lab()
	{
		add_zones(dns);
		dns.start();
		lab::write_file(dir / "milter.conf",
		                "Socket inet:" + std::to_string(milter_port) + "@127.0.0.1\n" +
		                        "Forwarders 127.0.0.1@" + std::to_string(dns.port()) +
		                        "\nTrustAnchorFile " + dns.trust_anchor_file().string() +
		                        "\nDnsTimeout 2\nTrustedNetworks none\nLocalDomains "
		                        "example.net\nAuthservId mx.example.net\nUser nobody\n"
		                        "PidFile none\nStatsInterval 0\n");
		start_milter();
		lab::milter_postfix_options options;
		options.milter_socket = "inet:127.0.0.1:" + std::to_string(milter_port);
		postfix = std::make_unique<lab::milter_postfix_lab>(options);
		postfix->start();
	}

	void start_milter()
	{
		milter = std::make_unique<lab::process>(
		        std::vector<std::string>{
		                (lab::binary_dir() / "milter/1dall-milter").string(), "-f", "-c",
		                (dir / "milter.conf").string()},
		        dir / "milter.log");
		REQUIRE(lab::wait_for_tcp("127.0.0.1", milter_port, 10s));
	}

	std::string milter_log() { return lab::read_file(dir / "milter.log"); }

	std::string send(std::string const &from, std::string const &to,
	                 std::vector<std::string> extra = {})
	{
		extra.push_back("--helo");
		extra.push_back("mx." + from.substr(from.find('@') + 1));
		return postfix->swaks(from, to, extra);
	}

	pid_t nsd_pid() { return std::stoi(lab::read_file(dns.folder() / "nsd.pid")); }
};

bool shows(std::string const &transcript, std::string const &text)
{
	return transcript.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("Postfix: untrusted refused at RCPT, partner delivered with Authentication-Results")
{
	mail_lab lab;

	SUBCASE("CASE 1: evil.example gets 550 at RCPT and no queue file exists")
	{
		auto t = lab.send("ceo@evil.example", "alice@example.net");
		CAPTURE(t);
		CHECK(shows(t, "<** 550 5.7.1"));
		CHECK(shows(t, "evil.example"));
		CHECK_FALSE(shows(t, "250 2.0.0 Ok: queued"));
		CHECK(lab.postfix->queue_files().empty());
		CHECK(lab.postfix->delivered().empty());
		CHECK(shows(lab.milter_log(), "sender=<ceo@evil.example> rcpt=<alice@example.net> "
		                              "result=fail action=reject"));
	}

	SUBCASE("CASE 2: partner.example is delivered carrying our header")
	{
		auto t = lab.send("billing@partner.example", "alice@example.net",
		                  {"--add-header",
		                   "Authentication-Results: mx.example.net; x-1dtn=pass (forged)"});
		CAPTURE(t);
		CHECK(shows(t, "250 2.0.0 Ok: queued"));
		REQUIRE(lab.postfix->wait_delivered(1));
		auto message = lab::read_file(lab.postfix->delivered().front());
		CAPTURE(message);
		CHECK(shows(message, "Authentication-Results: mx.example.net;"));
		CHECK(shows(message, "spf=pass"));
		CHECK(shows(message, "x-1dtn=pass"));
		CHECK_FALSE(shows(message, "(forged)"));
	}

	SUBCASE("a one-sided declaration is refused")
	{
		auto t = lab.send("sales@oneway.example", "alice@example.net");
		CAPTURE(t);
		CHECK(shows(t, "<** 550 5.7.1"));
		CHECK(lab.postfix->queue_files().empty());
	}
}

TEST_CASE("Postfix: DNS down gives 451; the retry after DNS is back is delivered")
{
	mail_lab lab;
	pid_t nsd = lab.nsd_pid();
	::kill(-nsd, SIGSTOP); // NSD and its server children
	auto t = lab.send("billing@later.example", "alice@example.net");
	::kill(-nsd, SIGCONT);
	CAPTURE(t);
	CHECK(shows(t, "<** 451 4.7.1"));
	CHECK(lab.postfix->queue_files().empty());

	std::string retry;
	for (int attempt = 0; attempt < 10; ++attempt) {
		retry = lab.send("billing@later.example", "alice@example.net");
		if (shows(retry, "250 2.0.0 Ok: queued"))
			break;
		std::this_thread::sleep_for(1s);
	}
	CAPTURE(retry);
	CHECK(shows(retry, "250 2.0.0 Ok: queued"));
	CHECK(lab.postfix->wait_delivered(1));
}

TEST_CASE("Postfix: with the milter gone, mail is deferred with 451, never accepted")
{
	mail_lab lab;
	::kill(lab.milter->pid(), SIGKILL);
	lab.milter->stop();
	auto t = lab.send("billing@partner.example", "alice@example.net");
	CAPTURE(t);
	CHECK(shows(t, "<** 451 4.7.1"));
	CHECK_FALSE(shows(t, "250 2.0.0 Ok: queued"));
	CHECK(lab.postfix->queue_files().empty());
}
