#include <doctest/doctest.h>

#include "config.hpp"
#include "network.hpp"

namespace {

tl::expected<std::shared_ptr<const milter::config>, std::string> build(std::string const &text)
{
	auto parsed = milter::parse_settings(text, "t.conf");
	REQUIRE(parsed);
	return milter::build_config(*parsed, "host.example");
}

} // namespace

TEST_CASE("networks match IPv4 and IPv6 clients by prefix")
{
	auto net = milter::parse_network("192.0.2.130/25");
	REQUIRE(net);
	CHECK(net->contains(*milter::parse_ip("192.0.2.200")));
	CHECK_FALSE(net->contains(*milter::parse_ip("192.0.2.1")));
	auto v6 = milter::parse_network("2001:db8::/32");
	REQUIRE(v6);
	CHECK(v6->contains(*milter::parse_ip("[IPv6:2001:db8:1::5]")));
	CHECK_FALSE(v6->contains(*milter::parse_ip("192.0.2.1")));
	CHECK_FALSE(milter::parse_network("192.0.2.0/33"));
	CHECK_FALSE(milter::parse_network("not-an-ip"));
	CHECK_FALSE(milter::parse_network("10.0.0.0/"));
}

TEST_CASE("defaults: enforce, loopback trusted, postmaster and abuse exempt, host name as id")
{
	auto c = build("");
	REQUIRE(c);
	CHECK((*c)->mode == milter::run_mode::enforce);
	CHECK((*c)->is_trusted_client("127.0.0.1"));
	CHECK((*c)->is_trusted_client("::1"));
	CHECK_FALSE((*c)->is_trusted_client("192.0.2.1"));
	CHECK((*c)->is_exempt("postmaster", "any.example"));
	CHECK((*c)->is_exempt("ABUSE", "any.example"));
	CHECK_FALSE((*c)->is_exempt("info", "any.example"));
	CHECK((*c)->authserv_id == "host.example");
	CHECK((*c)->socket.find("8891") == std::string::npos);
	CHECK((*c)->socket.find("8893") == std::string::npos);
}

TEST_CASE("bad values are refused with the key and the value named")
{
	auto sock = build("Socket 8891\n");
	REQUIRE_FALSE(sock);
	CHECK(sock.error().find("Socket '8891'") != std::string::npos);
	auto net = build("TrustedNetworks 10.0.0.0/8, bogus\n");
	REQUIRE_FALSE(net);
	CHECK(net.error().find("'bogus'") != std::string::npos);
	CHECK_FALSE(build("ExemptRecipients @\n"));
	CHECK_FALSE(build("AuthservId a;b\n"));
	CHECK_FALSE(build("Forwarders 127.0.0.1@99999\n"));
	CHECK_FALSE(build("LocalDomains exa mple..net\n"));
	CHECK(build("Forwarders 127.0.0.1@5353, ::1\nSocket unix:/run/x.sock\n"));
}

TEST_CASE("startup-only changes are reported, reloadable ones are not")
{
	auto a = build("Socket inet:9000@127.0.0.1\nMode enforce\n");
	auto b = build("Socket inet:9001@127.0.0.1\nMode monitor\n");
	REQUIRE(a);
	REQUIRE(b);
	CHECK(milter::startup_changes(**a, **b) == "Socket");
}
