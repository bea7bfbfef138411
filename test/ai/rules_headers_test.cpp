#include <doctest/doctest.h>

#include "ai/rules.hpp"
#include "rule_helpers.hpp"

using namespace ai;
using rule_test::fired;

namespace {
std::vector<signal> headers_of(parsed_message const &m, rule_context ctx = {})
{
	return header_signals(m, ctx);
}
} // namespace

TEST_CASE("a well-formed message from a plain sender raises nothing")
{
	CHECK(headers_of(rule_test::plain_message()).empty());
}

TEST_CASE("a display name that carries another address")
{
	auto m = rule_test::plain_message();
	m.from_display = "ceo@partner.co.jp via Support";
	m.from_address = "x1@freemail.example";
	CHECK(fired(headers_of(m), "from.display_name_address"));
	m.from_display = "Hanako (hanako@mail.partner.co.jp)";
	m.from_address = "hanako@partner.co.jp";
	CHECK_FALSE(fired(headers_of(m), "from.display_name_address"));
	m.from_display = "Sales @ Partner";
	CHECK_FALSE(fired(headers_of(m), "from.display_name_address"));
}

TEST_CASE("Reply-To and envelope domains outside the From organisation")
{
	auto m = rule_test::plain_message();
	m.reply_to = "accounts@partner-billing.example";
	CHECK(fired(headers_of(m), "from.reply_to_domain"));
	m.reply_to = "sales@mail.partner.co.jp";
	CHECK_FALSE(fired(headers_of(m), "from.reply_to_domain"));

	CHECK(fired(headers_of(m, {{}, "bounce@esp.example"}), "from.envelope_domain"));
	CHECK_FALSE(
	        fired(headers_of(m, {{}, "bounce@bounces.partner.co.jp"}), "from.envelope_domain"));
	CHECK_FALSE(fired(headers_of(m, {{}, "<>"}), "from.envelope_domain"));
}

TEST_CASE("From domains that imitate a trusted partner, and the partner itself")
{
	auto m = rule_test::plain_message();
	rule_context ctx{{"partner.co.jp"}, ""};
	CHECK(fired(headers_of(m, ctx), "from.trusted_domain"));
	CHECK_FALSE(fired(headers_of(m, ctx), "from.lookalike_trusted"));
	m.from_address = "hanako@partnar.co.jp";
	CHECK(fired(headers_of(m, ctx), "from.lookalike_trusted"));
	CHECK_FALSE(fired(headers_of(m, ctx), "from.trusted_domain"));
	m.from_address = "hanako@partner.co.jp";
	m.reply_to = "hanako@partner-co-jp.example";
	auto s = headers_of(m, ctx);
	CHECK(fired(s, "from.lookalike_trusted"));
	CHECK_FALSE(fired(s, "from.trusted_domain")); // Reply-To goes elsewhere
}

TEST_CASE("missing and malformed Date and Message-ID")
{
	auto m = rule_test::plain_message();
	m.date = "";
	m.headers.erase(m.headers.begin() + 1);
	CHECK(fired(headers_of(m), "header.date_missing"));
	m.date = "yesterday";
	CHECK(fired(headers_of(m), "header.date_malformed"));
	m.date = "1 Dec 2026 09:12";
	CHECK(fired(headers_of(m), "header.date_malformed")); // no zone
	m.date = "1 Dec 26 09:12:00 GMT";
	CHECK_FALSE(fired(headers_of(m), "header.date_malformed")); // obsolete but valid
	m.date = "Tue, 45 Dec 2026 09:12:00 +0900";
	CHECK(fired(headers_of(m), "header.date_malformed"));

	m = rule_test::plain_message();
	m.message_id = "";
	m.headers.erase(m.headers.begin() + 2);
	CHECK(fired(headers_of(m), "header.message_id_missing"));
	for (auto bad : {"1234@host", "<no-at-sign>", "<a b@host>", "<@host>", "<left@>"}) {
		m.message_id = bad;
		CHECK_MESSAGE(fired(headers_of(m), "header.message_id_malformed"), bad);
	}
	m.message_id = "<x@localhost>";
	CHECK_FALSE(fired(headers_of(m), "header.message_id_malformed"));
}

TEST_CASE("a message without a From address")
{
	auto m = rule_test::plain_message();
	m.from_address = "";
	CHECK(fired(headers_of(m), "from.missing"));
}
