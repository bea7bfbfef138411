#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "ai/scorer.hpp"
#include "lab.hpp"
#include "rule_helpers.hpp"

using namespace ai;

namespace {

constexpr char const *small_model = R"({
	"format": "1dallmail-model/1",
	"name": "test",
	"bias": -1.0,
	"thresholds": {"tag": 1.0, "quarantine": 3.0, "reject": 5.0},
	"weights": {"lure.urgency": 0.5, "link.ip_literal": 2.0, "lure.invoice": 1.5,
		    "sender.first_contact": 0.75}
})";

model load_small()
{
	auto m = parse_model(small_model, "test.json");
	REQUIRE_MESSAGE(m.has_value(), (m ? "" : m.error()));
	return *m;
}

std::string error_for(std::string const &json)
{
	auto m = parse_model(json, "bad.json");
	REQUIRE_FALSE(m.has_value());
	return m.error();
}

bool mentions(std::string const &text, std::string const &part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("actions follow the thresholds, boundaries included")
{
	thresholds t{1.0, 3.0, 5.0};
	CHECK(action_for(0.99, t) == action::accept);
	CHECK(action_for(1.0, t) == action::tag);
	CHECK(action_for(2.99, t) == action::tag);
	CHECK(action_for(3.0, t) == action::quarantine);
	CHECK(action_for(5.0, t) == action::reject);
	CHECK(action_for(-100.0, t) == action::accept);
	CHECK(action_name(action::quarantine) == "quarantine");
}

TEST_CASE("the score adds bias and weighted rules, and the report names them")
{
	scorer s(load_small());
	auto msg = rule_test::plain_message();
	auto quiet = s.score(msg, {});
	CHECK(quiet.score == doctest::Approx(-1.0));
	CHECK(quiet.verdict == action::accept);
	CHECK(quiet.fired.empty());

	msg.subject = "Urgent: invoice";
	msg.links = {{"http://198.51.100.4/pay", ""}};
	auto r = s.score(msg, {});
	CHECK(r.score == doctest::Approx(-1.0 + 0.5 + 2.0 + 1.5));
	CHECK(r.verdict == action::quarantine);
	REQUIRE(r.fired.size() >= 3);
	CHECK(r.fired.front().rule == "link.ip_literal"); // largest contribution first
	CHECK(r.fired.front().points == doctest::Approx(2.0));
	CHECK(mentions(r.report, "score=3.00 action=quarantine"));
	CHECK(mentions(r.report, "link.ip_literal(+2.00)"));
}

TEST_CASE("signals from outside the message are weighed; unknown ones use the default")
{
	scorer s(load_small());
	score_context ctx;
	ctx.extra_signals = {{"sender.first_contact", "first message from this sender", 1.0},
	                     {"sender.never_heard_of", "a rule the model lacks", 1.0}};
	auto r = s.score(rule_test::plain_message(), ctx);
	CHECK(r.score == doctest::Approx(-1.0 + 0.75));
	bool listed = false;
	for (auto const &c : r.fired)
		listed = listed || (c.rule == "sender.never_heard_of" && c.points == 0.0);
	CHECK(listed);
	// Strength scales the weight, and repeats count once at the strongest.
	ctx.extra_signals = {{"sender.first_contact", "weak", 0.4},
	                     {"sender.first_contact", "strong", 0.8}};
	CHECK(s.score(rule_test::plain_message(), ctx).score == doctest::Approx(-1.0 + 0.6));
}

TEST_CASE("model files that are wrong fail with a clear message")
{
	CHECK(mentions(error_for("{"), "bad.json: not valid JSON"));
	CHECK(mentions(error_for("[]"), "top level is not a JSON object"));
	CHECK(mentions(error_for(R"({"format": "other"})"), "format must be"));
	CHECK(mentions(error_for(R"({"format": "1dallmail-model/1", "thresholds":
		{"tag": 1, "quarantine": 2, "reject": 3}, "weights": {}})"),
	               "bias is missing"));
	CHECK(mentions(error_for(R"({"format": "1dallmail-model/1", "bias": 0,
		"thresholds": {"tag": 1, "quarantine": "x", "reject": 3}, "weights": {}})"),
	               "thresholds.quarantine is not a finite number"));
	CHECK(mentions(error_for(R"({"format": "1dallmail-model/1", "bias": 0,
		"thresholds": {"tag": 4, "quarantine": 2, "reject": 3}, "weights": {}})"),
	               "tag <= quarantine <= reject"));
	CHECK(mentions(error_for(R"({"format": "1dallmail-model/1", "bias": 0,
		"thresholds": {"tag": 1, "quarantine": 2, "reject": 3}, "weights": {"a": true}})"),
	               "weights.a is not a finite number"));
	CHECK(mentions(error_for(R"({"format": "1dallmail-model/1", "bias": 0,
		"thresholds": {"tag": 1, "quarantine": 2, "reject": 3}, "weights": {},
		"tokens": {"bits": 8, "weights": [[300, 1.0]]}})"),
	               "tokens.weights[0]"));
	auto missing = load_model("/nonexistent/model.json");
	REQUIRE_FALSE(missing.has_value());
	CHECK(mentions(missing.error(), "/nonexistent/model.json: cannot open"));
}

TEST_CASE("a model survives a write and a read")
{
	auto m = load_small();
	m.token_settings.bits = 10;
	m.token_weights.assign(1024, 0.0f);
	m.token_weights[7] = 0.25f;
	m.token_weights[1000] = -1.5f;
	auto again = parse_model(model_to_json(m), "round-trip");
	REQUIRE(again.has_value());
	CHECK(again->bias == doctest::Approx(m.bias));
	CHECK(again->weights == m.weights);
	CHECK(again->limits.reject == doctest::Approx(5.0));
	REQUIRE(again->token_weights.size() == 1024);
	CHECK(again->token_weights[7] == doctest::Approx(0.25f));
	CHECK(again->token_weights[1000] == doctest::Approx(-1.5f));
}

TEST_CASE("the shipped model files load and order their thresholds")
{
	for (auto name : {"default.json", "priors.json"}) {
		auto m = load_model(lab::source_dir() / "ai" / "model" / name);
		REQUIRE_MESSAGE(m.has_value(), (m ? "" : m.error()));
		CHECK(m->limits.tag <= m->limits.quarantine);
		CHECK(m->limits.quarantine < m->limits.reject);
		CHECK(m->weight_of("link.lookalike_trusted") > 1.0);
		CHECK(m->weight_of("from.trusted_domain") < 0.0);
	}
}

TEST_CASE("in the shipped model, a dangerous attachment alone is enough to act")
{
	auto m = load_model(lab::source_dir() / "ai" / "model" / "default.json");
	REQUIRE(m.has_value());
	scorer s(std::move(*m));
	auto msg = rule_test::plain_message();
	attachment exe;
	exe.filename = "invoice.pdf.exe";
	exe.declared_type = "application/pdf";
	exe.detected_type = "application/x-dosexec";
	exe.size = 4096;
	exe.findings = {{"attachment.executable", "PE executable", 1.0},
	                {"attachment.double_extension", "pdf then exe", 1.0}};
	msg.attachments.push_back(exe);
	auto r = s.score(msg, {});
	INFO(r.report);
	CHECK(r.verdict != action::accept);
	// Even from a trusted partner: its mailbox may have been hijacked.
	auto from_partner = s.score(msg, {{"partner.co.jp"}, "", {}});
	INFO(from_partner.report);
	CHECK(from_partner.verdict != action::accept);
	auto lookalike = rule_test::plain_message();
	lookalike.from_address = "hanako@partnar.co.jp";
	auto l = s.score(lookalike, {{"partner.co.jp"}, "", {}});
	INFO(l.report);
	CHECK(l.verdict != action::accept);
}
