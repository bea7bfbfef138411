#include <doctest/doctest.h>

#include <algorithm>

#include "ai/corpus.hpp"
#include "ai/training.hpp"

using namespace ai;

namespace {

model flat_priors()
{
	model m;
	m.bias = 0.0;
	m.weights = {{"good", -0.5}, {"bad", 0.5}, {"noise", 0.0}};
	return m;
}

// "bad" marks unwanted mail 90% of the time, "good" ham; "noise" is
// equally common in both.
std::vector<training_example> synthetic()
{
	std::vector<training_example> out;
	for (int i = 0; i < 400; ++i) {
		training_example e;
		e.unwanted = i % 2 == 0;
		e.fold = i % 4;
		bool marked = (i % 20) != 0;
		if (e.unwanted && marked)
			e.rules["bad"] = 1.0;
		if (!e.unwanted && marked)
			e.rules["good"] = 1.0;
		if (i % 3 == 0)
			e.rules["noise"] = 1.0;
		e.tokens = {static_cast<std::uint32_t>(e.unwanted ? 5 : 9)};
		out.push_back(e);
	}
	return out;
}

} // namespace

TEST_CASE("logistic regression learns which rule marks unwanted mail")
{
	training_options o;
	o.use_tokens = false;
	o.epochs = 300;
	auto m = fit_model(synthetic(), flat_priors(), o);
	CHECK(m.weight_of("bad") > 1.5);
	CHECK(m.weight_of("good") < -1.5);
	CHECK(std::abs(m.weight_of("noise")) < 0.5);
	CHECK_FALSE(m.has_tokens());
}

TEST_CASE("rules with a non-negative prior never get a negative weight")
{
	auto data = synthetic();
	for (auto &e : data)
		if (!e.unwanted)
			e.rules["bad_on_ham"] = 1.0; // evidence of a threat seen only on ham
	auto priors = flat_priors();
	priors.weights["bad_on_ham"] = 1.0;
	training_options o;
	o.use_tokens = false;
	auto m = fit_model(data, priors, o);
	CHECK(m.weight_of("bad_on_ham") >= 0.0);
}

TEST_CASE("a rule the data never shows keeps its prior")
{
	auto priors = flat_priors();
	priors.weights["attachment.executable"] = 5.0;
	training_options o;
	o.use_tokens = false;
	auto m = fit_model(synthetic(), priors, o);
	CHECK(m.weight_of("attachment.executable") == doctest::Approx(5.0));
}

TEST_CASE("the token model learns words, and thresholds come from out-of-fold ham")
{
	training_options o;
	o.tokens.bits = 8;
	o.min_token_messages = 2;
	o.token_l2 = 0.01;
	std::vector<double> oof;
	auto m = train_with_thresholds(synthetic(), flat_priors(), o, &oof);
	REQUIRE(m.has_tokens());
	CHECK(m.token_weights[5] > 0.0f);
	CHECK(m.token_weights[9] < 0.0f);
	CHECK(oof.size() == 400);
	CHECK(m.limits.tag <= m.limits.quarantine);
	CHECK(m.limits.quarantine < m.limits.reject);
	auto data = synthetic();
	std::size_t ham_tagged = 0;
	for (auto const &e : data)
		ham_tagged += !e.unwanted && score_example(m, e) >= m.limits.tag;
	CHECK(ham_tagged <= 2);
}

TEST_CASE("thresholds from ham scores")
{
	training_options o;
	o.tag_false_positive = 0.01;
	o.quarantine_false_positive = 0.0;
	std::vector<double> ham;
	for (int i = 0; i < 1000; ++i)
		ham.push_back(-5.0 + i * 0.005); // -5 .. 0
	auto t = choose_thresholds(ham, o);
	std::size_t above = 0;
	for (double s : ham)
		above += s >= t.tag;
	CHECK(above <= 10);
	CHECK(t.quarantine > ham.back());
	CHECK(t.reject >= ham.back() + o.reject_margin);
}

TEST_CASE("the split groups by coarse key and is stable")
{
	parsed_message a, b, c;
	a.subject = "Re: [list] Your account 12345 is on hold";
	b.subject = "FWD: Your account 98765 is on hold";
	c.subject = "Lunch on Friday?";
	CHECK(split_key(a) == split_key(b));
	CHECK(split_key(a) != split_key(c));
	CHECK(split_fold(split_key(a)) == split_fold(split_key(b)));
	parsed_message d;
	d.message_id = "<abc@mail.example.org>";
	CHECK(split_key(d) == "m:mail.example.org");
	for (int f = 0; f < split_folds; ++f) {
		CHECK(in_part(f, corpus_part::all));
		CHECK(in_part(f, corpus_part::train) != in_part(f, corpus_part::held_out));
	}
	CHECK(parse_corpus_part("held-out").value() == corpus_part::held_out);
	CHECK_FALSE(parse_corpus_part("test").has_value());
}

TEST_CASE("a prior the data never shows is carried over to the trained scale")
{
	auto priors = flat_priors();
	priors.bias = -3.0;
	priors.limits = {0.0, 3.0, 6.0};
	priors.weights["never_seen"] = 3.0; // takes a plain message exactly to tag
	training_options o;
	o.use_tokens = false;
	std::vector<double> oof;
	auto data = synthetic();
	auto m = train_with_thresholds(data, priors, o, &oof);
	std::vector<double> ham;
	for (std::size_t i = 0; i < data.size(); ++i)
		if (!data[i].unwanted)
			ham.push_back(oof[i]);
	std::sort(ham.begin(), ham.end());
	double typical = ham[ham.size() / 2];
	CHECK(m.weight_of("never_seen") >= doctest::Approx(m.limits.tag - typical).epsilon(0.01));
}
