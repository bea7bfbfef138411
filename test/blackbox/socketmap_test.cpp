#include <doctest/doctest.h>

#include "blackbox/daemon_config.hpp"
#include "blackbox/socketmap.hpp"

using namespace blackbox;

TEST_CASE("a request splits at the first space; the key may hold spaces")
{
	auto r = parse_socketmap_request("virtual a b@example.test");
	REQUIRE(r);
	CHECK(r->name == "virtual");
	CHECK(r->key == "a b@example.test");
	CHECK_FALSE(parse_socketmap_request("nospace"));
	CHECK_FALSE(parse_socketmap_request(" key"));
	CHECK_FALSE(parse_socketmap_request(std::string("a\x01 b", 4)));
}

TEST_CASE("replies are framed as socketmap_table(5) says")
{
	CHECK(socketmap_ok("x y") == "6:OK x y,");
	CHECK(socketmap_notfound() == "9:NOTFOUND ,");
	CHECK(socketmap_temp("later") == "10:TEMP later,");
	CHECK(socketmap_perm("no") == "7:PERM no,");
}

TEST_CASE("the reader yields pipelined requests in order and stops at garbage")
{
	socketmap_reader reader(100);
	reader.feed("5:a b c,3:x y");
	auto first = reader.next();
	REQUIRE(first.state == socketmap_reader::status::request);
	CHECK(first.payload == "a b c");
	CHECK(reader.next().state == socketmap_reader::status::need_more);
	reader.feed(",junk");
	CHECK(reader.next().payload == "x y");
	auto bad = reader.next();
	CHECK(bad.state == socketmap_reader::status::malformed);
	CHECK_FALSE(bad.error.empty());
}

TEST_CASE("configuration: defaults, maps, listen addresses and line-numbered errors")
{
	auto c = parse_daemon_config("# comment\nuser = blackbox\nmap virtual = v.bbx\n"
	                             "map canon = /abs/c.bbx canonical\n",
	                             "conf", "/etc/blackbox");
	REQUIRE(c);
	REQUIRE(c->listen.size() == 1);
	CHECK(c->listen[0].text == "inet:127.0.0.1:10001");
	CHECK(c->max_request == 4096);
	REQUIRE(c->maps.size() == 2);
	CHECK(c->maps[0].file == "/etc/blackbox/v.bbx");
	CHECK(c->maps[0].table == "virtual");
	CHECK(c->maps[1].table == "canonical");

	auto l = parse_daemon_config("listen = unix:/run/s\nlisten = inet:[::1]:99\nmap a = b\n",
	                             "c", "/");
	REQUIRE(l);
	REQUIRE(l->listen.size() == 2);
	CHECK(l->listen[1].kind == listen_address::family::inet6);
	CHECK(l->listen[1].port == 99);

	for (char const *bad : {"map a = b\nfrobnicate = 1\n", "map a = b\nlisten = tcp:1\n",
	                        "map a = b\nmax_request = 10\n", "map a = b\nmap a = c\n",
	                        "map a = b\njust words\n"}) {
		auto r = parse_daemon_config(bad, "conf", "/");
		REQUIRE_FALSE_MESSAGE(r, bad);
		CHECK(r.error().rfind("conf:2: ", 0) == 0);
	}
	CHECK_FALSE(parse_daemon_config("user = x\n", "conf", "/")); // no map
}
