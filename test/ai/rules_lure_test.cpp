#include <doctest/doctest.h>

#include "ai/rules.hpp"
#include "rule_helpers.hpp"

using namespace ai;
using rule_test::detail_of;
using rule_test::fired;

namespace {
parsed_message with_text(std::string subject, std::string body)
{
	auto m = rule_test::plain_message();
	m.subject = std::move(subject);
	m.text = std::move(body);
	return m;
}
} // namespace

TEST_CASE("Japanese lure wording is found")
{
	auto s = lure_signals(with_text("【至急】請求書送付のお知らせ",
					"口座変更のため、新しい口座へお振込みをお願いします。お支払い期限は本日中です。"));
	CHECK(fired(s, "lure.invoice"));
	CHECK(fired(s, "lure.bank_change"));
	CHECK(fired(s, "lure.payment"));
	CHECK(fired(s, "lure.urgency"));
	CHECK(detail_of(s, "lure.invoice").find("請求書") != std::string::npos);
	auto t = lure_signals(with_text("アカウントが停止されました",
					"本人確認のため、パスワードを入力してください。"));
	CHECK(fired(t, "lure.account_threat"));
	CHECK(fired(t, "lure.credential"));
}

TEST_CASE("English lure wording is found as whole words, any case")
{
	auto s = lure_signals(with_text("URGENT: Invoice overdue",
					"Please VERIFY YOUR ACCOUNT. Your account has been suspended."));
	CHECK(fired(s, "lure.urgency"));
	CHECK(fired(s, "lure.invoice"));
	CHECK(fired(s, "lure.payment"));
	CHECK(fired(s, "lure.credential"));
	CHECK(fired(s, "lure.account_threat"));
	// "asap" inside another word and "payments" ... "repayment" are not lures.
	auto quiet = lure_signals(with_text("Lunch", "The asapa river tour, then prepaymentless."));
	CHECK_FALSE(fired(quiet, "lure.urgency"));
	CHECK_FALSE(fired(quiet, "lure.payment"));
	CHECK(lure_signals(with_text("Minutes", "See you at the meeting.")).empty());
}

TEST_CASE("lure wording in the HTML body counts, markup does not")
{
	auto m = with_text("Notice", "");
	m.html = "<html><style>.invoice{color:red}</style><body><p>Your <b>password</b> "
		 "expires</p><!-- urgent --></body></html>";
	auto s = lure_signals(m);
	CHECK(fired(s, "lure.credential"));
	CHECK_FALSE(fired(s, "lure.invoice")); // only in <style>
	CHECK_FALSE(fired(s, "lure.urgency")); // only in a comment
}

TEST_CASE("urgency with an attachment")
{
	auto m = with_text("至急ご確認ください", "添付をご確認ください。");
	CHECK_FALSE(fired(lure_signals(m), "lure.urgent_attachment"));
	m.attachments.push_back({"doc.zip", "application/zip", "application/zip", 1000, 0, {}, {}});
	CHECK(fired(lure_signals(m), "lure.urgent_attachment"));
	auto calm = with_text("議事録", "添付をご確認ください。");
	calm.attachments = m.attachments;
	CHECK_FALSE(fired(lure_signals(calm), "lure.urgent_attachment"));
}

TEST_CASE("a password form, alone and with pressure")
{
	auto m = with_text("Mailbox", "");
	m.html = "<form action='https://203.0.113.7/p'><input name=u>"
		 "<INPUT Type=\"Password\" name=p></form>";
	auto s = lure_signals(m);
	CHECK(fired(s, "html.form"));
	CHECK(fired(s, "html.credential_form"));
	CHECK_FALSE(fired(s, "lure.urgent_credential_form"));
	m.text = "Your mailbox is full. Act immediately.";
	CHECK(fired(lure_signals(m), "lure.urgent_credential_form"));
	auto search = with_text("Newsletter", "");
	search.html = "<form action='/search'><input type=text name=q></form>";
	auto t = lure_signals(search);
	CHECK(fired(t, "html.form"));
	CHECK_FALSE(fired(t, "html.credential_form"));
}

TEST_CASE("a credential request that links away from the sender")
{
	auto m = with_text("Verify", "Please verify your account here.");
	m.links = {{"https://www.partner.co.jp/account", ""}};
	CHECK_FALSE(fired(lure_signals(m), "lure.credential_link"));
	m.links.push_back({"https://login-check.example.net/", ""});
	CHECK(fired(lure_signals(m), "lure.credential_link"));
}

TEST_CASE("html_to_text keeps the visible words only")
{
	CHECK(html_to_text("<p>a&nbsp;b</p><script>var x='invoice';</script>c &amp; d") ==
	      "a b c & d");
	CHECK(html_to_text("<!-- unclosed") == "");
	CHECK(html_to_text("<script>never closed").empty());
	CHECK(html_to_text("plain") == "plain");
}
