// False positives on modern legitimate mail written for this project:
// the corpus's legitimate mail is mostly from 2002 and has almost no
// Japanese business mail, so these check the shipped model on the mail a
// Japanese company really receives today.
#include <doctest/doctest.h>

#include <string>

#include "ai/corpus.hpp"
#include "ai/scorer.hpp"
#include "lab.hpp"

using namespace ai;

namespace {

scorer shipped()
{
	auto m = load_model(lab::source_dir() / "ai" / "model" / "default.json");
	REQUIRE_MESSAGE(m.has_value(), (m ? "" : m.error()));
	return scorer(std::move(*m));
}

std::string crlf(std::string text)
{
	std::string out;
	for (char c : text) {
		if (c == '\n')
			out += '\r';
		out += c;
	}
	return out;
}

// A partner's monthly invoice: 請求書 in the subject and body, a PDF.
std::string const partner_invoice = crlf(R"(Return-Path: <keiri@partner.co.jp>
From: =?UTF-8?B?5L2Q6Jek6Iqx5a2Q?= <keiri@partner.co.jp>
To: purchasing@customer.example.jp
Subject: =?UTF-8?B?44CQ6KuL5rGC5pu46YCB5LuY44CRMjAyNuW5tDEx5pyI5YiG44Gu44GU6KuL5rGC44Gr44Gk44GE44Gm?=
Date: Tue, 1 Dec 2026 10:15:02 +0900
Message-ID: <20261201101502.4f2a@mail.partner.co.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

株式会社カスタマー
購買部 御中

いつもお世話になっております。
株式会社パートナー経理部の佐藤です。

2026年11月分の請求書をお送りいたします。
お支払い期日は2026年12月31日となっております。
内容をご確認のほど、よろしくお願いいたします。

ご不明な点がございましたら、お気軽にお問い合わせください。

--
株式会社パートナー 経理部 佐藤花子
TEL 03-1234-5678  https://www.partner.co.jp/

--b1
Content-Type: application/pdf; name="=?UTF-8?B?6KuL5rGC5pu4XzIwMjblubQxMeaciC5wZGY=?="
Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8_2026%E5%B9%B411%E6%9C%88.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBv
Ymo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlw
ZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgNTk1IDg0Ml0+PmVuZG9iagp0cmFpbGVy
PDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==
--b1--
)");

// A quotation request answered by a new supplier (not yet trusted).
std::string const supplier_quote = crlf(R"(Return-Path: <eigyo@supplier.example.co.jp>
From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <eigyo@supplier.example.co.jp>
To: purchasing@customer.example.jp
Subject: =?UTF-8?B?44CQ5qCq5byP5Lya56S+44K144Oz44OX44Or5ZWG5LqL44CRMTLmnIjjga7jgYrnn6XjgonjgZs=?=
Date: Wed, 2 Dec 2026 16:40:11 +0900
Message-ID: <CAF8a1b2c3d4e5f6@mail.supplier.example.co.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="q2"

--q2
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

株式会社カスタマー 購買部
ご担当者様

先日はお問い合わせいただき、誠にありがとうございました。
ご依頼の件につきまして、見積書を添付いたしましたのでご査収ください。
納期につきましては、ご発注から約3週間を予定しております。

何卒よろしくお願い申し上げます。

株式会社サンプル商事 営業部 山田太郎

--q2
Content-Type: application/pdf; name="mitsumori.pdf"
Content-Disposition: attachment; filename="mitsumori.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBv
Ymo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlw
ZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgNTk1IDg0Ml0+PmVuZG9iagp0cmFpbGVy
PDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==
--q2--
)");

// A modern HTML newsletter: tracked links, an unsubscribe footer.
std::string const newsletter = crlf(R"(Return-Path: <bounce-8812@mail.news.example.com>
From: Example Cloud <news@example.com>
To: reader@customer.example.jp
Subject: What's new in Example Cloud this month
Date: Thu, 3 Dec 2026 08:00:00 +0000
Message-ID: <nl.20261203.8812@mail.news.example.com>
List-Unsubscribe: <https://example.com/unsubscribe?u=8812>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=UTF-8

New this month: faster builds, a dashboard for your team, and our
conference schedule. Read more at https://example.com/blog
To stop receiving these emails, unsubscribe: https://example.com/unsubscribe?u=8812

--alt
Content-Type: text/html; charset=UTF-8

<html><body><table width="600"><tr><td>
<h1>New this month</h1>
<p>Builds are now up to twice as fast. <a href="https://example.com/blog/faster-builds">Read more</a></p>
<p>Your team can share one dashboard. <a href="https://example.com/docs/dashboards">See how</a></p>
<p>Join us at our conference in Tokyo. <a href="https://events.example.com/tokyo">Get tickets</a></p>
<p style="font-size:11px">You receive this because you signed up at example.com.
<a href="https://example.com/unsubscribe?u=8812">Unsubscribe</a> |
<a href="https://example.com/privacy">Privacy</a></p>
</td></tr></table></body></html>
--alt--
)");

// A Japanese store newsletter in HTML.
std::string const japanese_newsletter = crlf(R"(Return-Path: <info@shop.example.jp>
From: =?UTF-8?B?5L2Q6Jek6Iqx5a2Q?= <info@shop.example.jp>
To: member@customer.example.jp
Subject: =?UTF-8?B?44CQ5qCq5byP5Lya56S+44K144Oz44OX44Or5ZWG5LqL44CRMTLmnIjjga7jgYrnn6XjgonjgZs=?=
Date: Fri, 4 Dec 2026 12:00:00 +0900
Message-ID: <mag-202612-0001@shop.example.jp>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: 8bit

<html><body>
<p>いつもご利用いただきありがとうございます。</p>
<p>12月の新商品と年末年始の営業日のお知らせです。</p>
<p><a href="https://shop.example.jp/new">新商品を見る</a></p>
<p>年末年始は12月29日から1月3日までお休みをいただきます。</p>
<p>配信停止は<a href="https://shop.example.jp/mail/stop">こちら</a>から。</p>
</body></html>
)");

// A SaaS receipt in English with a PDF invoice attached.
std::string const saas_invoice = crlf(R"(Return-Path: <billing@example.net>
From: Example Hosting Billing <billing@example.net>
To: accounts@customer.example.jp
Subject: Your invoice for November 2026
Date: Tue, 1 Dec 2026 00:05:00 +0000
Message-ID: <inv-2026-11-77812@billing.example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inv"

--inv
Content-Type: text/plain; charset=UTF-8

Hello,

Thank you for your business. Your invoice for November 2026 is attached.
The amount will be charged to the card on file on December 5.
You can see past invoices in your account settings at https://example.net/billing

Example Hosting

--inv
Content-Type: application/pdf; name="invoice-77812.pdf"
Content-Disposition: attachment; filename="invoice-77812.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBv
Ymo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlw
ZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgNTk1IDg0Ml0+PmVuZG9iagp0cmFpbGVy
PDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==
--inv--
)");

score_result score_raw(scorer const &s, std::string const &raw,
                       std::vector<std::string> trusted = {})
{
	auto msg = parse_message(raw);
	score_context ctx;
	ctx.trusted_domains = std::move(trusted);
	ctx.envelope_from = return_path(msg);
	auto r = s.score(msg, ctx);
	INFO(r.report);
	return r;
}

} // namespace

TEST_CASE("a partner's Japanese invoice with a PDF is accepted")
{
	auto s = shipped();
	auto r = score_raw(s, partner_invoice, {"partner.co.jp"});
	INFO(r.report);
	CHECK(r.verdict == action::accept);
	auto unknown = score_raw(s, partner_invoice);
	INFO(unknown.report);
	CHECK(unknown.verdict == action::accept);
}

TEST_CASE("a new supplier's quotation is accepted")
{
	auto r = score_raw(shipped(), supplier_quote, {"partner.co.jp"});
	INFO(r.report);
	CHECK(r.verdict == action::accept);
}

TEST_CASE("newsletters and a SaaS invoice are accepted")
{
	auto s = shipped();
	for (auto const *raw : {&newsletter, &japanese_newsletter, &saas_invoice}) {
		auto r = score_raw(s, *raw);
		INFO(r.report);
		CHECK(r.verdict == action::accept);
	}
}

TEST_CASE("the same invoice from a lookalike of the partner is not accepted")
{
	auto s = shipped();
	std::string forged = partner_invoice;
	for (auto pos = forged.find("partner.co.jp"); pos != std::string::npos;
	     pos = forged.find("partner.co.jp", pos + 1))
		forged.replace(pos, 13, "partnar.co.jp");
	auto r = score_raw(s, forged, {"partner.co.jp"});
	INFO(r.report);
	CHECK(r.verdict != action::accept);
}
