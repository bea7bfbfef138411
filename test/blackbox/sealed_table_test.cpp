#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>

#include "blackbox/sealed_table.hpp"

using namespace blackbox;

namespace {

master_key test_key(unsigned char fill)
{
	unsigned char bytes[master_key_bytes];
	std::memset(bytes, fill, sizeof bytes);
	return *master_key::from_bytes(bytes, sizeof bytes);
}

std::vector<table_entry> sample_entries()
{
	return {{"alice@example.test", "example.test/alice/"},
	        {"bob@example.test", "example.test/bob/"},
	        {"carol@example.test", "smtp:[192.0.2.7]:25"}};
}

std::string seal(std::vector<table_entry> const &entries, master_key const &key,
                 std::string const &name = "vmailbox", std::uint64_t generation = 1)
{
	seal_options options;
	options.table_name = name;
	options.generation = generation;
	auto bytes = seal_table(entries, key, options);
	REQUIRE(bytes);
	return *bytes;
}

tl::expected<std::shared_ptr<sealed_table const>, std::string>
open(std::string bytes, master_key const &key, open_options const &options = {})
{
	return sealed_table::open_memory(std::move(bytes), key, options, "test.bbx");
}

bool contains(std::string const &text, std::string const &part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a sealed table answers lookups, folding the key's case")
{
	auto key = test_key(1);
	auto table = open(seal(sample_entries(), key), key);
	REQUIRE(table);
	CHECK((*table)->header().name == "vmailbox");
	CHECK((*table)->header().entry_count == 3);
	CHECK((*table)->header().key_id == key.id());

	auto alice = (*table)->lookup("Alice@Example.TEST");
	REQUIRE(alice);
	REQUIRE(alice->has_value());
	CHECK(**alice == "example.test/alice/");
	auto nobody = (*table)->lookup("nobody@example.test");
	REQUIRE(nobody);
	CHECK_FALSE(nobody->has_value());
}

TEST_CASE("no key or value appears in the sealed bytes")
{
	auto key = test_key(2);
	std::string bytes = seal(sample_entries(), key);
	for (auto const &e : sample_entries()) {
		CHECK_FALSE(contains(bytes, e.key));
		CHECK_FALSE(contains(bytes, e.value));
		CHECK_FALSE(contains(bytes, "alice"));
	}
}

TEST_CASE("every entry of a larger table is found, and entries() returns them all")
{
	auto key = test_key(3);
	std::vector<table_entry> entries;
	for (int i = 0; i < 5000; ++i)
		entries.push_back({"user" + std::to_string(i) + "@example.test",
		                   "box/" + std::to_string(i * 7)});
	auto table = open(seal(entries, key, "big"), key);
	REQUIRE(table);
	for (int i = 0; i < 5000; i += 37) {
		auto v = (*table)->lookup("user" + std::to_string(i) + "@example.test");
		REQUIRE(v);
		REQUIRE(v->has_value());
		CHECK(**v == "box/" + std::to_string(i * 7));
	}
	auto all = (*table)->entries();
	REQUIRE(all);
	CHECK(all->size() == 5000);
}

TEST_CASE("sealing refuses duplicate, empty and oversized keys and values")
{
	auto key = test_key(4);
	seal_options options;
	options.table_name = "t";
	CHECK_FALSE(seal_table({{"a", "1"}, {"A", "2"}}, key, options));
	CHECK_FALSE(seal_table({{"", "1"}}, key, options));
	CHECK_FALSE(seal_table({{std::string(max_key_bytes + 1, 'k'), "1"}}, key, options));
	CHECK_FALSE(seal_table({{"k", std::string(max_value_bytes + 1, 'v')}}, key, options));
	options.table_name = "";
	CHECK_FALSE(seal_table({{"a", "1"}}, key, options));
	options.table_name = "t";
	CHECK(seal_table({}, key, options)); // an empty table is valid
}

TEST_CASE("changing any single byte of the file is detected at open")
{
	auto key = test_key(5);
	std::string good = seal(sample_entries(), key);
	REQUIRE(open(good, key));
	for (std::size_t i = 0; i < good.size(); ++i) {
		std::string bad = good;
		bad[i] = static_cast<char>(bad[i] ^ 0x01);
		auto r = open(bad, key);
		CHECK_MESSAGE(!r, "byte " << i << " of " << good.size());
		if (!r)
			CHECK(r.error().rfind("test.bbx: ", 0) == 0);
	}
}

TEST_CASE("each truncation and any appended byte is detected")
{
	auto key = test_key(6);
	std::string good = seal(sample_entries(), key);
	for (std::size_t n = 0; n < good.size(); ++n)
		CHECK_MESSAGE(!open(good.substr(0, n), key), "length " << n);
	auto cut = open(good.substr(0, good.size() - 40), key);
	REQUIRE_FALSE(cut);
	CHECK(contains(cut.error(), "truncated"));
	auto longer = open(good + "x", key);
	REQUIRE_FALSE(longer);
	CHECK(contains(longer.error(), "unexpected bytes"));
}

TEST_CASE("reordered index entries or records are detected")
{
	auto key = test_key(7);
	// Equal-length values give equal-length records that could be swapped.
	std::string good = seal({{"a", "value-1"}, {"b", "value-2"}, {"c", "value-3"}}, key);
	auto header = peek_header(good);
	REQUIRE(header);
	std::size_t index_at = 56 + header->name.size() + 12 + 16;
	std::size_t record_bytes = header->records_size / 3;
	std::size_t records_at = index_at + 3 * 32;

	std::string swapped_index = good;
	std::swap_ranges(swapped_index.begin() + index_at, swapped_index.begin() + index_at + 32,
	                 swapped_index.begin() + index_at + 32);
	CHECK_FALSE(open(swapped_index, key));

	std::string swapped_records = good;
	std::swap_ranges(swapped_records.begin() + records_at,
	                 swapped_records.begin() + records_at + record_bytes,
	                 swapped_records.begin() + records_at + record_bytes);
	auto r = open(swapped_records, key);
	REQUIRE_FALSE(r);
	CHECK(contains(r.error(), "MAC"));
}

TEST_CASE("an older generation than the one loaded is refused as a replay")
{
	auto key = test_key(8);
	std::string old_copy = seal(sample_entries(), key, "vmailbox", 4);
	std::string new_copy = seal(sample_entries(), key, "vmailbox", 5);
	open_options options;
	options.min_generation = 5;
	CHECK(open(new_copy, key, options));
	auto r = open(old_copy, key, options);
	REQUIRE_FALSE(r);
	CHECK(contains(r.error(), "generation 4 is older than generation 5"));
}

TEST_CASE("a file opened with the wrong key or as the wrong table is refused")
{
	auto key = test_key(9);
	auto other = test_key(10);
	std::string bytes = seal(sample_entries(), key, "virtual");

	auto wrong_key = open(bytes, other);
	REQUIRE_FALSE(wrong_key);
	CHECK(contains(wrong_key.error(), "wrong key"));

	open_options options;
	options.expected_name = "transport";
	auto wrong_name = open(bytes, key, options);
	REQUIRE_FALSE(wrong_name);
	CHECK(contains(wrong_name.error(), "wrong table name"));
	CHECK(contains(wrong_name.error(), "'virtual'"));
}

TEST_CASE("a forged key id still fails: the header tag does not verify")
{
	auto key = test_key(11);
	auto other = test_key(12);
	std::string bytes = seal(sample_entries(), other);
	std::uint64_t id = key.id();
	for (int i = 0; i < 8; ++i)
		bytes[16 + i] = static_cast<char>((id >> (8 * i)) & 0xff);
	auto r = open(bytes, key);
	REQUIRE_FALSE(r);
	CHECK(contains(r.error(), "header authentication failed"));
}

TEST_CASE("garbage and other file types are refused with a reason")
{
	auto key = test_key(13);
	for (std::string junk : {std::string(), std::string("hello"), std::string(500, '\0'),
	                         std::string("\x89"
	                                     "BBX\r\n\x1a\n",
	                                     8)}) {
		auto r = open(junk, key);
		REQUIRE_FALSE(r);
		CHECK_FALSE(r.error().empty());
	}
}
