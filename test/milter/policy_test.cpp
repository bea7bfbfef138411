#include <doctest/doctest.h>

#include "fake_engine.hpp"
#include "policy.hpp"

namespace {

using milter::verdict_action;

std::shared_ptr<const milter::config> make_config(std::string const &text)
{
	auto parsed = milter::parse_settings(text, "test.conf");
	REQUIRE(parsed);
	auto built = milter::build_config(*parsed, "mx.example.net");
	REQUIRE(built);
	return *built;
}

struct fixture {
	std::shared_ptr<fake::engine> engine = std::make_shared<fake::engine>();
	milter::connection_facts conn{"192.0.2.7", "mx.partner.example", "mx.partner.example"};

	milter::policy make(std::string const &conf = "TrustedNetworks none\n")
	{
		engine->spf("partner.example", dtn::spf_result::pass, "ip4 matched");
		engine->trust("partner.example", "example.net", dtn::result::pass,
		              "mutual declarations");
		engine->trust("slow.example", "example.net", dtn::result::temperror,
		              "_1dtn.slow.example timed out");
		engine->trust("dkim.example", "example.net", dtn::result::pass, "needs dkim", true);
		return milter::policy(make_config(conf), engine);
	}
};

} // namespace

TEST_CASE_FIXTURE(fixture, "untrusted sender is refused at RCPT with 550 naming both domains")
{
	auto p = make();
	auto tx = p.begin("<a@evil.example>", "", "");
	auto v = p.judge_recipient(conn, tx, "<b@example.net>");
	CHECK(v.action == verdict_action::reject);
	CHECK(v.smtp_code == "550");
	CHECK(v.extended_code == "5.7.1");
	CHECK(v.result == "fail");
	CHECK(v.text.find("evil.example") != std::string::npos);
	CHECK(v.text.find("example.net") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "trusted partner passes and gets an Authentication-Results header")
{
	auto p = make("TrustedNetworks none\nAuthservId mx.example.net\n");
	auto tx = p.begin("<billing@partner.example>", "ABC123", "");
	auto v = p.judge_recipient(conn, tx, "<b@example.net>");
	CHECK(v.action == verdict_action::accept);
	CHECK(v.result == "pass");
	auto mv = p.finish_message(conn, tx);
	CHECK(mv.overall.action == verdict_action::accept);
	CHECK(mv.auth_results.starts_with("mx.example.net;"));
	CHECK(mv.auth_results.find("spf=pass") != std::string::npos);
	CHECK(mv.auth_results.find("smtp.mailfrom=billing@partner.example") != std::string::npos);
	CHECK(mv.auth_results.find("x-1dtn=pass") != std::string::npos);
	CHECK(mv.auth_results.find("policy.rcptdomain=example.net") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "SPF is checked once per MAIL FROM, each recipient domain once")
{
	auto p = make();
	auto tx = p.begin("<x@partner.example>", "", "");
	p.judge_recipient(conn, tx, "<a@example.net>");
	p.judge_recipient(conn, tx, "<b@example.net>");
	p.judge_recipient(conn, tx, "<c@other.example>");
	CHECK(engine->sender_checks == 1);
	CHECK(engine->decisions_made == 2);
	auto tx2 = p.begin("<x@partner.example>", "", "");
	p.judge_recipient(conn, tx2, "<a@example.net>");
	CHECK(engine->sender_checks == 2);
}

TEST_CASE_FIXTURE(fixture, "each recipient is decided on its own")
{
	auto p = make();
	auto tx = p.begin("<x@partner.example>", "", "");
	CHECK(p.judge_recipient(conn, tx, "<a@example.net>").action == verdict_action::accept);
	CHECK(p.judge_recipient(conn, tx, "<a@stranger.example>").action == verdict_action::reject);
}

TEST_CASE_FIXTURE(fixture, "temperror answers 451 4.7.1, or accepts with OnTempError accept")
{
	auto p = make();
	auto tx = p.begin("<x@slow.example>", "", "");
	auto v = p.judge_recipient(conn, tx, "<a@example.net>");
	CHECK(v.action == verdict_action::tempfail);
	CHECK(v.smtp_code == "451");
	CHECK(v.extended_code == "4.7.1");

	auto lenient = make("TrustedNetworks none\nOnTempError accept\n");
	auto tx2 = lenient.begin("<x@slow.example>", "", "");
	auto v2 = lenient.judge_recipient(conn, tx2, "<a@example.net>");
	CHECK(v2.action == verdict_action::accept);
	CHECK(v2.would_reject);
}

TEST_CASE_FIXTURE(fixture, "monitor mode never refuses but reports what it would have done")
{
	auto p = make("TrustedNetworks none\nMode monitor\n");
	auto tx = p.begin("<a@evil.example>", "", "");
	auto v = p.judge_recipient(conn, tx, "<b@example.net>");
	CHECK(v.action == verdict_action::accept);
	CHECK(v.would_reject);
	CHECK(v.result == "fail");
	auto mv = p.finish_message(conn, tx);
	CHECK(mv.auth_results.find("x-1dtn=fail") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "exempt recipients, trusted networks and local domains skip the check")
{
	auto p = make("TrustedNetworks 192.0.2.0/24\nLocalDomains example.net\n");
	auto tx = p.begin("<a@evil.example>", "", "");
	CHECK(p.judge_recipient(conn, tx, "<b@example.net>").result == "skipped");

	auto q = make("TrustedNetworks none\nLocalDomains example.net\n");
	auto tx2 = q.begin("<a@evil.example>", "", "");
	CHECK(q.judge_recipient(conn, tx2, "<postmaster@example.net>").result == "exempt");
	CHECK(q.judge_recipient(conn, tx2, "<Abuse@Example.NET>").result == "exempt");
	CHECK(q.judge_recipient(conn, tx2, "<postmaster>").result == "exempt");
	CHECK(q.judge_recipient(conn, tx2, "<x@elsewhere.example>").result == "skipped");
	CHECK(q.judge_recipient(conn, tx2, "<x@example.net>").action == verdict_action::reject);
	CHECK(engine->decisions_made == 1);
}

TEST_CASE_FIXTURE(fixture, "authenticated senders skip inbound; outbound check warns or refuses")
{
	auto off = make("TrustedNetworks none\n");
	auto tx = off.begin("<me@example.net>", "", "me");
	CHECK(off.judge_recipient(conn, tx, "<x@stranger.example>").result == "skipped");
	CHECK(engine->decisions_made == 0);

	auto warn = make("TrustedNetworks none\nOutboundCheck warn\n");
	auto tx2 = warn.begin("<me@example.net>", "", "me");
	auto v = warn.judge_recipient(conn, tx2, "<x@stranger.example>");
	CHECK(v.action == verdict_action::accept);
	auto mv = warn.finish_message(conn, tx2);
	REQUIRE(mv.warnings.size() == 1);
	CHECK(mv.warnings[0].find("stranger.example does not trust example.net") !=
	      std::string::npos);

	auto refuse = make("TrustedNetworks none\nOutboundCheck refuse\n");
	auto tx3 = refuse.begin("<me@example.net>", "", "me");
	auto r = refuse.judge_recipient(conn, tx3, "<x@stranger.example>");
	CHECK(r.action == verdict_action::reject);
	CHECK(r.smtp_code == "550");
}

TEST_CASE_FIXTURE(fixture, "auth=dkim senders are never passed silently: temperror at end of data")
{
	auto p = make();
	auto tx = p.begin("<x@dkim.example>", "", "");
	auto v = p.judge_recipient(conn, tx, "<a@example.net>");
	CHECK(v.action == verdict_action::accept);
	CHECK(v.result == "pending");
	auto mv = p.finish_message(conn, tx);
	CHECK(mv.overall.action == verdict_action::tempfail);
	CHECK(mv.overall.smtp_code == "451");
	REQUIRE(mv.late_decisions.size() == 1);
	CHECK(mv.late_decisions[0].second.result == "temperror");
}

TEST_CASE_FIXTURE(fixture, "the null sender is judged by its HELO name")
{
	auto p = make();
	conn.helo = "partner.example";
	auto tx = p.begin("<>", "", "");
	CHECK(p.judge_recipient(conn, tx, "<a@example.net>").result == "pass");
	auto mv = p.finish_message(conn, tx);
	CHECK(mv.auth_results.find("smtp.helo=partner.example") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "hostile reasons cannot inject lines into replies or headers")
{
	engine->trust("bad.example", "example.net", dtn::result::fail,
	              "evil\r\nX-Injected: 1 100% (nested");
	auto p = milter::policy(make_config("TrustedNetworks none\nMode monitor\n"), engine);
	auto tx = p.begin("<x@bad.example>", "", "");
	auto v = p.judge_recipient(conn, tx, "<a@example.net>");
	CHECK(v.text.find('\n') == std::string::npos);
	CHECK(v.text.find('%') == std::string::npos);
	auto mv = p.finish_message(conn, tx);
	CHECK(mv.auth_results.find("\r") == std::string::npos);
	CHECK(mv.auth_results.find("\nX-Injected") == std::string::npos);
}
