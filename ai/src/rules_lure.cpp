// Lure wording: what a message asks its reader to do (pay, change bank
// details, type a password) and how hard it pushes (urgency, threats),
// in Japanese and English, with the German and Portuguese phrases that
// phishing aimed at Europe and Brazil uses most. Phrases name the
// request, never the era: no product names, dates or mailer habits.
#include <array>
#include <string>
#include <string_view>

#include "ai/rules.hpp"
#include "ai/domain.hpp"
#include "ai/html.hpp"
#include "phrase_set.hpp"
#include "text.hpp"

namespace ai {
namespace {

enum lure : int {
	invoice,
	payment,
	bank_change,
	credential,
	account_threat,
	urgency,
	offer,
	prize,
	lure_count
};

constexpr std::array<std::string_view, lure_count> lure_rule{
        "lure.invoice",        "lure.payment", "lure.bank_change", "lure.credential",
        "lure.account_threat", "lure.urgency", "lure.offer",       "lure.prize"};

constexpr std::array<std::string_view, lure_count> lure_meaning{
        "business document", "payment request", "bank detail change", "credential request",
        "account threat",    "urgency",         "sales pressure",     "prize or windfall"};

struct phrase_entry {
	lure kind;
	std::string_view text;
};

// ASCII phrases match whole words; Japanese ones anywhere.
constexpr phrase_entry phrases[] = {
        {invoice, "invoice"},
        {invoice, "invoices"},
        {invoice, "remittance advice"},
        {invoice, "purchase order"},
        {invoice, "proforma"},
        {invoice, "pro forma"},
        {invoice, "statement of account"},
        {invoice, "quotation"},
        {invoice, "rechnung"},
        {invoice, "fatura"},
        {invoice, "nota fiscal"},
        {invoice, "請求書"},
        {invoice, "見積書"},
        {invoice, "納品書"},
        {invoice, "御見積"},
        {invoice, "お見積"},
        {invoice, "発注書"},
        {invoice, "注文書"},
        {invoice, "ご請求"},
        {invoice, "領収書"},

        {payment, "payment"},
        {payment, "wire transfer"},
        {payment, "bank transfer"},
        {payment, "overdue"},
        {payment, "outstanding balance"},
        {payment, "past due"},
        {payment, "unpaid"},
        {payment, "pay now"},
        {payment, "zahlung"},
        {payment, "überweisung"},
        {payment, "pagamento"},
        {payment, "boleto"},
        {payment, "お支払"},
        {payment, "支払い"},
        {payment, "振込"},
        {payment, "振り込み"},
        {payment, "入金"},
        {payment, "送金"},
        {payment, "未払い"},
        {payment, "未納"},

        {bank_change, "new bank account"},
        {bank_change, "change of bank"},
        {bank_change, "bank details have changed"},
        {bank_change, "updated bank details"},
        {bank_change, "new banking details"},
        {bank_change, "change our bank"},
        {bank_change, "updated banking"},
        {bank_change, "changed our bank"},
        {bank_change, "neue bankverbindung"},
        {bank_change, "口座変更"},
        {bank_change, "振込先変更"},
        {bank_change, "振込先の変更"},
        {bank_change, "口座の変更"},
        {bank_change, "新しい口座"},

        {credential, "password"},
        {credential, "passcode"},
        {credential, "verify your account"},
        {credential, "verify your identity"},
        {credential, "confirm your account"},
        {credential, "confirm your identity"},
        {credential, "login credentials"},
        {credential, "sign in to your account"},
        {credential, "log in to your account"},
        {credential, "update your account"},
        {credential, "validate your"},
        {credential, "reactivate"},
        {credential, "re-activate"},
        {credential, "verify your email"},
        {credential, "passwort"},
        {credential, "zugangsdaten"},
        {credential, "senha"},
        {credential, "パスワード"},
        {credential, "本人確認"},
        {credential, "アカウント確認"},
        {credential, "認証情報"},
        {credential, "ログインして"},
        {credential, "アカウント情報"},

        {account_threat, "account suspended"},
        {account_threat, "account has been suspended"},
        {account_threat, "account will be suspended"},
        {account_threat, "account has been locked"},
        {account_threat, "account will be closed"},
        {account_threat, "account has been limited"},
        {account_threat, "unusual activity"},
        {account_threat, "suspicious activity"},
        {account_threat, "unauthorized access"},
        {account_threat, "unusual sign-in"},
        {account_threat, "mailbox is full"},
        {account_threat, "storage is full"},
        {account_threat, "will be deactivated"},
        {account_threat, "has been deactivated"},
        {account_threat, "konto gesperrt"},
        {account_threat, "gesperrt"},
        {account_threat, "bloqueada"},
        {account_threat, "suspensa"},
        {account_threat, "アカウントが停止"},
        {account_threat, "利用停止"},
        {account_threat, "停止されました"},
        {account_threat, "凍結"},
        {account_threat, "不正アクセス"},
        {account_threat, "不正なアクセス"},
        {account_threat, "異常なログイン"},
        {account_threat, "不正利用"},

        {urgency, "urgent"},
        {urgency, "urgently"},
        {urgency, "immediately"},
        {urgency, "within 24 hours"},
        {urgency, "within 48 hours"},
        {urgency, "as soon as possible"},
        {urgency, "asap"},
        {urgency, "action required"},
        {urgency, "final notice"},
        {urgency, "final warning"},
        {urgency, "last warning"},
        {urgency, "expires today"},
        {urgency, "expire today"},
        {urgency, "dringend"},
        {urgency, "sofort"},
        {urgency, "urgente"},
        {urgency, "imediatamente"},
        {urgency, "至急"},
        {urgency, "緊急"},
        {urgency, "本日中"},
        {urgency, "早急"},
        {urgency, "直ちに"},
        {urgency, "24時間以内"},
        {urgency, "期限切れ"},
        {urgency, "今すぐ"},

        {offer, "click here"},
        {offer, "order now"},
        {offer, "act now"},
        {offer, "buy now"},
        {offer, "limited time"},
        {offer, "special offer"},
        {offer, "risk free"},
        {offer, "risk-free"},
        {offer, "no obligation"},
        {offer, "money back"},
        {offer, "100% free"},
        {offer, "100% guaranteed"},
        {offer, "lowest price"},
        {offer, "best price"},
        {offer, "free trial"},
        {offer, "free gift"},
        {offer, "earn money"},
        {offer, "extra income"},
        {offer, "work from home"},
        {offer, "make money"},
        {offer, "financial freedom"},
        {offer, "credit card offers"},
        {offer, "lose weight"},
        {offer, "weight loss"},
        {offer, "dear friend"},
        {offer, "to be removed"},
        {offer, "remove me"},
        {offer, "this is not spam"},
        {offer, "opt-out"},
        {offer, "bulk email"},
        {offer, "viagra"},
        {offer, "casino"},
        {offer, "今だけ"},
        {offer, "限定価格"},
        {offer, "完全無料"},
        {offer, "副業"},
        {offer, "稼げる"},
        {offer, "高収入"},
        {offer, "出会い"},

        {prize, "you have won"},
        {prize, "you've won"},
        {prize, "you are a winner"},
        {prize, "winner"},
        {prize, "lottery"},
        {prize, "claim your prize"},
        {prize, "claim your reward"},
        {prize, "inheritance"},
        {prize, "beneficiary"},
        {prize, "million dollars"},
        {prize, "next of kin"},
        {prize, "gift card"},
        {prize, "当選"},
        {prize, "賞金"},
        {prize, "プレゼント当選"},
        {prize, "遺産"},
};

phrase_set const &lure_phrases()
{
	static phrase_set const set = [] {
		phrase_set s;
		for (auto const &p : phrases) {
			bool ascii = static_cast<unsigned char>(p.text[0]) < 0x80;
			s.add(p.text, p.kind, ascii);
		}
		s.build();
		return s;
	}();
	return set;
}

struct lure_hits {
	std::array<std::string, lure_count> first; // first phrase seen, as written
	std::array<int, lure_count> count{};
	bool any(lure k) const { return count[k] > 0; }
};

lure_hits find_lures(std::string_view visible)
{
	lure_hits hits;
	lure_phrases().scan(visible, [&](phrase_set::match const &m) {
		if (hits.count[m.id]++ == 0)
			hits.first[m.id] = std::string(visible.substr(m.end - m.length, m.length));
		return true;
	});
	return hits;
}

bool contains_ci(std::string_view haystack, std::string_view lower_needle)
{
	if (lower_needle.empty() || haystack.size() < lower_needle.size())
		return false;
	std::size_t last = haystack.size() - lower_needle.size();
	for (std::size_t pos = 0; pos <= last; ++pos) {
		std::size_t i = 0;
		while (i < lower_needle.size() && text::lower(haystack[pos + i]) == lower_needle[i])
			++i;
		if (i == lower_needle.size())
			return true;
	}
	return false;
}

// A <form> that asks for a password: the shape of a credential phish
// sent as HTML, whether in the body or in an attached page.
struct form_shape {
	bool form = false;
	bool password = false;
};

form_shape find_form(std::string_view html)
{
	form_shape shape;
	shape.form = contains_ci(html, "<form");
	if (!shape.form)
		return shape;
	for (auto pos = html.find('<'); pos != std::string_view::npos;
	     pos = html.find('<', pos + 1)) {
		auto end = html.find('>', pos);
		auto tag = html.substr(pos, end == std::string_view::npos ? 400 : end - pos);
		if (tag.size() > 6 && text::lower(tag[1]) == 'i' && contains_ci(tag, "<input")) {
			auto lowered = text::lower_ascii(tag);
			if (lowered.find("password") != std::string::npos &&
			    lowered.find("type") != std::string::npos) {
				shape.password = true;
				break;
			}
		}
	}
	return shape;
}

std::string quoted(std::string const &s)
{
	return "\"" + s + "\"";
}

bool links_leave_sender(parsed_message const &msg)
{
	auto sender = org_domain(address_domain(msg.from_address));
	for (auto const &l : msg.links) {
		auto lowered = text::lower_ascii(text::trim(l.url).substr(0, 6));
		if (!lowered.starts_with("http"))
			continue;
		auto host = url_host(l.url);
		if (!host.empty() && (is_ip_literal(host) || org_domain(host) != sender))
			return true;
	}
	return false;
}

} // namespace

std::string visible_text(parsed_message const &msg)
{
	std::string visible = msg.subject;
	visible += '\n';
	visible += msg.text;
	visible += '\n';
	visible += html_visible_text(msg.html);
	return visible;
}

std::vector<signal> lure_signals(parsed_message const &msg)
{
	return lure_signals(msg, visible_text(msg));
}

std::vector<signal> lure_signals(parsed_message const &msg, std::string_view visible)
{
	std::vector<signal> out;
	auto hits = find_lures(visible);
	for (int k = 0; k < lure_count; ++k)
		if (hits.count[k] > 0)
			out.push_back({std::string(lure_rule[k]),
			               std::string(lure_meaning[k]) +
			                       " wording: " + quoted(hits.first[k]),
			               1.0});

	auto form = find_form(msg.html);
	if (form.form)
		out.push_back({"html.form", "the HTML body contains a form", 1.0});
	if (form.password)
		out.push_back({"html.credential_form", "the HTML body asks for a password", 1.0});

	bool attached = !msg.attachments.empty();
	if (hits.any(urgency) && attached)
		out.push_back({"lure.urgent_attachment",
		               "urgency (" + quoted(hits.first[urgency]) + ") with an attachment",
		               1.0});
	bool pressure = hits.any(urgency) || hits.any(account_threat) || hits.any(credential);
	if (form.password && pressure)
		out.push_back({"lure.urgent_credential_form",
		               "a password form with pressure to act", 1.0});
	if ((hits.any(credential) || hits.any(account_threat)) && links_leave_sender(msg))
		out.push_back({"lure.credential_link",
		               "asks for account details and links outside the sender's domain",
		               1.0});
	return out;
}

} // namespace ai
