// Signal logic of the sender history, on the memory store, with an
// injected clock: every test repeats exactly.
#include <doctest/doctest.h>

#include <algorithm>

#include "ai/history.hpp"

using namespace ai;
using namespace std::chrono_literals;

namespace {

using clock_time = std::chrono::sys_seconds;
constexpr clock_time t0{std::chrono::seconds{1'767'225'600}}; // 2026-01-01

signal const *find(std::vector<signal> const &signals, std::string_view rule)
{
	auto it = std::find_if(signals.begin(), signals.end(),
	                       [&](signal const &s) { return s.rule == rule; });
	return it == signals.end() ? nullptr : &*it;
}

bool fired(std::vector<signal> const &signals, std::string_view rule)
{
	return find(signals, rule) != nullptr;
}

history_facts with_types(std::vector<std::string> types, std::string reply = "")
{
	return {std::move(types), std::move(reply)};
}

struct fixture {
	sender_history history{make_memory_store({std::chrono::days{90}})};

	void send(std::string_view from, clock_time when, history_facts const &facts = {},
	          history_verdict verdict = history_verdict::accept)
	{
		REQUIRE(history.observe(from, "", facts, verdict, when));
	}

	std::vector<signal> check(std::string_view from, clock_time when,
	                          history_facts const &facts = {})
	{
		auto signals = history.signals_for(from, "", facts, when);
		REQUIRE(signals);
		return *signals;
	}
};

// A store whose every call fails, as a dead Redis server would.
class broken_store final : public history_store {
      public:
	tl::expected<std::vector<history_lookup>, history_error> fetch(std::span<const std::string>,
	                                                               std::int64_t) override
	{
		return tl::unexpected(history_error{"broken: connection refused"});
	}
	tl::expected<void, history_error> record(std::span<const std::string>,
	                                         history_observation const &) override
	{
		return tl::unexpected(history_error{"broken: connection refused"});
	}
	std::string describe() const override { return "broken"; }
};

} // namespace

TEST_CASE_FIXTURE(fixture, "a stranger from an unknown domain is a first contact twice over")
{
	auto s = check("alice@partner.example", t0);
	REQUIRE(find(s, "sender.first_contact"));
	CHECK(find(s, "sender.first_contact")->strength == 1.0);
	CHECK(find(s, "sender.first_contact")->detail.find("alice@partner.example") !=
	      std::string::npos);
	CHECK(fired(s, "domain.first_contact"));

	send("alice@partner.example", t0);
	auto again = check("alice@partner.example", t0 + 1h);
	CHECK_FALSE(fired(again, "sender.first_contact"));
	CHECK_FALSE(fired(again, "domain.first_contact"));
}

TEST_CASE_FIXTURE(fixture, "a new address at a known domain is a weaker first contact")
{
	send("alice@partner.example", t0);
	auto s = check("Bob@Partner.Example", t0 + 1h);
	REQUIRE(find(s, "sender.first_contact"));
	CHECK(find(s, "sender.first_contact")->strength == doctest::Approx(0.5));
	CHECK_FALSE(fired(s, "domain.first_contact"));
}

TEST_CASE_FIXTURE(fixture, "addresses and domains are matched without regard to ASCII case")
{
	send("Alice@PARTNER.example.", t0);
	auto s = check("alice@partner.example", t0 + 1h);
	CHECK_FALSE(fired(s, "sender.first_contact"));
	CHECK_FALSE(fired(s, "domain.first_contact"));
}

TEST_CASE_FIXTURE(fixture, "a new attachment type counts only once a habit exists")
{
	auto pdf = with_types({"application/pdf"});
	auto exe = with_types({"application/x-dosexec"});
	send("alice@partner.example", t0, pdf);
	send("alice@partner.example", t0 + 1h, pdf);
	CHECK_FALSE(
	        fired(check("alice@partner.example", t0 + 2h, exe), "sender.new_attachment_type"));

	send("alice@partner.example", t0 + 2h, pdf);
	auto s = check("alice@partner.example", t0 + 3h, exe);
	auto const *hit = find(s, "sender.new_attachment_type");
	REQUIRE(hit);
	CHECK(hit->detail.find("application/x-dosexec") != std::string::npos);
	CHECK(hit->detail.find("application/pdf x3") != std::string::npos);
	CHECK(hit->strength == doctest::Approx(0.3));
	CHECK_FALSE(
	        fired(check("alice@partner.example", t0 + 3h, pdf), "sender.new_attachment_type"));
}

TEST_CASE_FIXTURE(fixture, "the strength of a broken habit grows with the history behind it")
{
	for (int i = 0; i < 12; ++i)
		send("alice@partner.example", t0 + i * 1h, with_types({"application/pdf"}));
	auto s = check("alice@partner.example", t0 + 13h,
	               with_types({"application/x-iso9660-image"}));
	REQUIRE(find(s, "sender.new_attachment_type"));
	CHECK(find(s, "sender.new_attachment_type")->strength == doctest::Approx(1.0));
	REQUIRE(find(s, "domain.new_attachment_type"));
}

TEST_CASE_FIXTURE(fixture, "a Reply-To at a domain the sender never used is a change")
{
	for (int i = 0; i < 4; ++i)
		send("alice@partner.example", t0 + i * 1h,
		     with_types({}, "billing.partner.example"));
	auto s = check("alice@partner.example", t0 + 5h, with_types({}, "partner-billing.example"));
	auto const *hit = find(s, "sender.reply_to_changed");
	REQUIRE(hit);
	CHECK(hit->detail.find("partner-billing.example") != std::string::npos);
	CHECK(hit->detail.find("billing.partner.example x4") != std::string::npos);

	for (auto same : {"billing.partner.example", "partner.example", "mail.partner.example", ""})
		CHECK_FALSE(fired(check("alice@partner.example", t0 + 5h, with_types({}, same)),
		                  "sender.reply_to_changed"));
}

TEST_CASE_FIXTURE(fixture, "a first Reply-To after several messages without one is a change")
{
	for (int i = 0; i < 3; ++i)
		send("alice@partner.example", t0 + i * 1h);
	auto s = check("alice@partner.example", t0 + 4h, with_types({}, "freemail.example"));
	REQUIRE(find(s, "sender.reply_to_changed"));
	CHECK(find(s, "sender.reply_to_changed")->detail.find("usual: none") != std::string::npos);
}

TEST_CASE_FIXTURE(fixture, "past rejections make a bad history; clean mail does not")
{
	send("alice@partner.example", t0);
	send("alice@partner.example", t0 + 1h);
	CHECK_FALSE(fired(check("alice@partner.example", t0 + 2h), "sender.bad_history"));

	send("mallory@bad.example", t0, {}, history_verdict::reject);
	send("mallory@bad.example", t0 + 1h, {}, history_verdict::accept);
	auto s = check("mallory@bad.example", t0 + 2h);
	auto const *hit = find(s, "sender.bad_history");
	REQUIRE(hit);
	CHECK(hit->strength == doctest::Approx(0.5));
	CHECK(hit->detail.find("1 accept") != std::string::npos);
	CHECK(hit->detail.find("1 reject") != std::string::npos);
	CHECK(fired(s, "domain.bad_history"));

	// One tag in four messages: 0.25 / 4 is below the 0.2 threshold.
	send("carol@ok.example", t0, {}, history_verdict::tag);
	for (int i = 1; i < 4; ++i)
		send("carol@ok.example", t0 + i * 1h);
	CHECK_FALSE(fired(check("carol@ok.example", t0 + 5h), "sender.bad_history"));
}

TEST_CASE_FIXTURE(fixture, "an address back after a long silence is dormant")
{
	send("alice@partner.example", t0);
	CHECK_FALSE(fired(check("alice@partner.example", t0 + std::chrono::days{30}),
	                  "sender.dormant"));
	auto s = check("alice@partner.example", t0 + std::chrono::days{75});
	auto const *hit = find(s, "sender.dormant");
	REQUIRE(hit);
	CHECK(hit->detail.find("75 days") != std::string::npos);
	CHECK(hit->detail.find("2026-01-01") != std::string::npos);
	CHECK(hit->strength == doctest::Approx(75.0 / 120.0));
}

TEST_CASE_FIXTURE(fixture, "history expires: after the expiry period a sender is new again")
{
	send("alice@partner.example", t0);
	auto s = check("alice@partner.example", t0 + std::chrono::days{91});
	CHECK(fired(s, "sender.first_contact"));
	CHECK(fired(s, "domain.first_contact"));

	send("alice@partner.example", t0 + std::chrono::days{91}, {}, history_verdict::accept);
	auto fetched = history.store().fetch(std::vector<std::string>{"s:alice@partner.example"},
	                                     1'767'225'600 + 91 * 86400);
	REQUIRE(fetched);
	REQUIRE((*fetched)[0].record);
	CHECK((*fetched)[0].record->messages == 1);
}

TEST_CASE_FIXTURE(fixture, "a long, clean history is established; one tagged message ends that")
{
	for (int day = 0; day < 40; day += 2)
		send("alice@partner.example", t0 + std::chrono::days{day});
	auto s = check("alice@partner.example", t0 + std::chrono::days{41});
	REQUIRE(find(s, "sender.established"));
	CHECK(find(s, "sender.established")->detail.find("20 accepted messages since 2026-01-01") !=
	      std::string::npos);

	send("alice@partner.example", t0 + std::chrono::days{41}, {}, history_verdict::tag);
	CHECK_FALSE(fired(check("alice@partner.example", t0 + std::chrono::days{42}),
	                  "sender.established"));
}

TEST_CASE_FIXTURE(fixture, "the null sender is judged by its domain alone")
{
	REQUIRE(history.observe("", "bounces.example", {}, history_verdict::accept, t0));
	auto s = history.signals_for("", "bounces.example", {}, t0 + 1h);
	REQUIRE(s);
	CHECK_FALSE(fired(*s, "sender.first_contact"));
	CHECK_FALSE(fired(*s, "domain.first_contact"));
}

TEST_CASE_FIXTURE(fixture, "an address too long to be valid is never stored but is a first contact")
{
	std::string huge = std::string(400, 'a') + "@partner.example";
	send(huge, t0);
	auto s = check(huge, t0 + 1h);
	auto const *hit = find(s, "sender.first_contact");
	REQUIRE(hit);
	CHECK(hit->detail.size() < 400);
	CHECK_FALSE(fired(s, "domain.first_contact"));
}

TEST_CASE_FIXTURE(fixture, "control characters from mail never reach signal details")
{
	std::string evil = "a\r\nX-Injected: yes@partner.example";
	auto s = check(evil, t0);
	for (auto const &sig : s)
		CHECK(sig.detail.find_first_of("\r\n") == std::string::npos);
}

TEST_CASE("the same observations at the same times give the same signals")
{
	auto run = [] {
		sender_history h(make_memory_store());
		for (int i = 0; i < 30; ++i)
			(void)h.observe("u" + std::to_string(i % 4) + "@x.example", "",
			                with_types({"type/" + std::to_string(i % 5)}),
			                static_cast<history_verdict>(i % 4), t0 + i * 1h);
		std::vector<std::string> out;
		for (int u = 0; u < 5; ++u) {
			auto signals = h.signals_for("u" + std::to_string(u) + "@x.example", "",
			                             with_types({"type/9"}), t0 + 40h);
			REQUIRE(signals);
			for (auto const &s : *signals)
				out.push_back(s.rule + "|" + s.detail + "|" +
				              std::to_string(s.strength));
		}
		return out;
	};
	auto first = run();
	CHECK_FALSE(first.empty());
	CHECK(first == run());
}

TEST_CASE("a failing store is an error the caller can treat as unknown, not an exception")
{
	sender_history h(std::make_unique<broken_store>());
	auto s = h.signals_for("alice@partner.example", "", {}, t0);
	REQUIRE_FALSE(s);
	CHECK(s.error().message == "broken: connection refused");
	CHECK_FALSE(h.observe("alice@partner.example", "", {}, history_verdict::accept, t0));
}

TEST_CASE("facts come from the parsed message: detected type first, then declared, then name")
{
	auto attached = [](std::string name, std::string declared, std::string detected) {
		attachment a;
		a.filename = std::move(name);
		a.declared_type = std::move(declared);
		a.detected_type = std::move(detected);
		a.size = 10;
		return a;
	};
	parsed_message m;
	m.reply_to = "Billing@Partner-Pay.Example";
	m.attachments.push_back(
	        attached("invoice.pdf", "application/pdf", "application/x-dosexec"));
	m.attachments.push_back(attached("photo.png", "image/png", ""));
	m.attachments.push_back(attached("notes.TXT", "", ""));
	m.attachments.push_back(attached("", "", ""));
	auto f = facts_from(m);
	CHECK(f.attachment_types ==
	      std::vector<std::string>{"application/x-dosexec", "ext:txt", "image/png"});
	CHECK(f.reply_to_domain == "partner-pay.example");
}

TEST_CASE("keys are lower-cased and bounded")
{
	CHECK(sender_key(" Alice@Example.COM. ") == "s:alice@example.com");
	CHECK(domain_key("Example.COM") == "d:example.com");
	CHECK_FALSE(sender_key(""));
	CHECK_FALSE(domain_key(std::string(254, 'a')));
}
