#include <doctest/doctest.h>

#include "ai/history_record.hpp"

using namespace ai;

namespace {

history_observation seen(std::int64_t now, history_verdict verdict = history_verdict::accept,
                         std::vector<std::string> types = {}, std::string reply = "")
{
	return {normalized({std::move(types), std::move(reply)}), verdict, now};
}

history_record sample()
{
	history_record r;
	apply_observation(r, seen(1'700'000'000, history_verdict::accept, {"application/pdf"}));
	apply_observation(r, seen(1'700'000'500, history_verdict::tag,
	                          {"application/pdf", "image/png"}, "partner.example"));
	apply_observation(r, seen(1'700'086'400, history_verdict::reject, {"application/x-dosexec"},
	                          "evil.example"));
	return r;
}

} // namespace

TEST_CASE("observations update counters, times and sets")
{
	history_record r = sample();
	CHECK(r.messages == 3);
	CHECK(r.first_seen == 1'700'000'000);
	CHECK(r.last_seen == 1'700'086'400);
	CHECK(r.count(history_verdict::accept) == 1);
	CHECK(r.count(history_verdict::tag) == 1);
	CHECK(r.count(history_verdict::quarantine) == 0);
	CHECK(r.count(history_verdict::reject) == 1);
	REQUIRE(r.attachment_types.size() == 3);
	CHECK(r.attachment_types[0] == counted_item{"application/pdf", 2});
	CHECK(r.attachment_types[1] == counted_item{"application/x-dosexec", 1});
	CHECK(r.reply_to_domains.size() == 2);
	CHECK_FALSE(record_problem(r));
}

TEST_CASE("an observation from the past moves first seen back, never last seen")
{
	history_record r = sample();
	apply_observation(r, seen(1'600'000'000));
	CHECK(r.first_seen == 1'600'000'000);
	CHECK(r.last_seen == 1'700'086'400);
}

TEST_CASE("facts are normalized: lower case, unique, sorted, bounded")
{
	history_facts f = normalized(
	        {{"Application/PDF", "application/pdf", "", "IMAGE/png"}, "Partner.Example."});
	CHECK(f.attachment_types == std::vector<std::string>{"application/pdf", "image/png"});
	CHECK(f.reply_to_domain == "partner.example");

	history_facts many;
	for (int i = 0; i < 40; ++i)
		many.attachment_types.push_back("type/" + std::to_string(100 + i));
	many.attachment_types.push_back(std::string(500, 'x'));
	auto g = normalized(many);
	CHECK(g.attachment_types.size() == history_max_types_per_message);
	for (auto const &t : g.attachment_types)
		CHECK(t.size() <= history_max_item_bytes);
}

TEST_CASE("a full set evicts the lowest count, and among equals the last name")
{
	history_record r;
	// "a" seen 3 times, "b" twice, then "c".."h" once: eight entries.
	for (int i = 0; i < 3; ++i)
		apply_observation(r, seen(100 + i, history_verdict::accept, {"a"}));
	apply_observation(r, seen(110, history_verdict::accept, {"b"}));
	apply_observation(r, seen(111, history_verdict::accept, {"b"}));
	for (char c = 'c'; c <= 'h'; ++c)
		apply_observation(r, seen(120, history_verdict::accept, {std::string(1, c)}));
	REQUIRE(r.attachment_types.size() == history_max_items);

	apply_observation(r, seen(130, history_verdict::accept, {"z"}));
	REQUIRE(r.attachment_types.size() == history_max_items);
	std::vector<std::string> names;
	for (auto const &item : r.attachment_types)
		names.push_back(item.name);
	CHECK(names == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "z"});
	CHECK_FALSE(record_problem(r));
}

TEST_CASE("records survive encoding and decoding unchanged, compactly")
{
	history_record r = sample();
	std::string bytes = encode_history_record(r);
	CHECK(bytes.size() < 120);
	auto back = decode_history_record(bytes);
	REQUIRE(back);
	CHECK(*back == r);
	CHECK(encode_history_record(*back) == bytes);

	history_record tiny;
	apply_observation(tiny, seen(1'700'000'000));
	CHECK(encode_history_record(tiny).size() <= 20);
}

TEST_CASE("every truncation and every flipped byte of a record is rejected")
{
	std::string bytes = encode_history_record(sample());
	for (std::size_t n = 0; n < bytes.size(); ++n)
		CHECK_FALSE(decode_history_record(bytes.substr(0, n)));
	for (std::size_t i = 0; i < bytes.size(); ++i)
		for (int bit = 0; bit < 8; ++bit) {
			std::string damaged = bytes;
			damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
			CHECK_FALSE(decode_history_record(damaged));
		}
	CHECK_FALSE(decode_history_record(bytes + "x"));
}

TEST_CASE("decode errors say what was wrong")
{
	std::string bytes = encode_history_record(sample());
	CHECK(decode_history_record("garbage").error() == "not a history record");
	std::string future = bytes;
	future[1] = 2;
	CHECK(decode_history_record(future).error() == "unknown record version 2");
	std::string flipped = bytes;
	flipped[5] = static_cast<char>(flipped[5] ^ 1);
	CHECK(decode_history_record(flipped).error() == "checksum mismatch");
}

TEST_CASE("broken invariants are reported")
{
	history_record r = sample();
	r.verdicts[0] += 1;
	CHECK(record_problem(r));
	r = sample();
	std::swap(r.attachment_types[0], r.attachment_types[1]);
	CHECK(record_problem(r) == "attachment types: names not sorted and unique");
	r = sample();
	r.first_seen = r.last_seen + 1;
	CHECK(record_problem(r));
	CHECK(record_problem(history_record{}) == "no messages counted");
}

TEST_CASE("verdict names round trip")
{
	for (auto v : {history_verdict::accept, history_verdict::tag, history_verdict::quarantine,
	               history_verdict::reject})
		CHECK(history_verdict_from(to_string(v)) == v);
	CHECK_FALSE(history_verdict_from("maybe"));
}
