// The LMDB history store on disk, in a temporary folder: persistence,
// expiry, the size bound, damaged records and concurrent writers.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "ai/history.hpp"
#include "lab.hpp"

using namespace ai;

namespace {

constexpr std::int64_t t0 = 1'767'225'600;
constexpr std::int64_t day = 86400;

std::unique_ptr<history_store> open_store(std::filesystem::path const &dir,
                                          std::size_t map_bytes = std::size_t{8} << 20,
                                          history_logger logger = {}, bool sync = true)
{
	auto store =
	        open_lmdb_store({dir, map_bytes, std::chrono::days{30}, std::move(logger), sync});
	REQUIRE_MESSAGE(store, (store ? "" : store.error().message));
	return std::move(*store);
}

history_observation at(std::int64_t now, std::vector<std::string> types = {})
{
	return {normalized({std::move(types), ""}), history_verdict::accept, now};
}

std::optional<history_record> get(history_store &store, std::string const &key, std::int64_t now)
{
	auto found = store.fetch(std::vector<std::string>{key}, now);
	REQUIRE(found);
	return (*found)[0].record;
}

void record(history_store &store, std::string const &key, history_observation const &obs)
{
	auto done = store.record(std::vector<std::string>{key}, obs);
	REQUIRE_MESSAGE(done, (done ? "" : done.error().message));
}

std::string slurp(std::filesystem::path const &file)
{
	std::ifstream in(file, std::ios::binary);
	return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

TEST_CASE("history persists across closing and reopening the store")
{
	lab::temp_dir dir("history-lmdb");
	{
		auto store = open_store(dir / "db");
		record(*store, "s:alice@partner.example", at(t0, {"application/pdf"}));
		record(*store, "s:alice@partner.example", at(t0 + 60, {"application/pdf"}));
	}
	CHECK((std::filesystem::status(dir / "db").permissions() &
	       std::filesystem::perms::others_all) == std::filesystem::perms::none);
	auto store = open_store(dir / "db");
	auto r = get(*store, "s:alice@partner.example", t0 + 120);
	REQUIRE(r);
	CHECK(r->messages == 2);
	CHECK(r->first_seen == t0);
	CHECK(r->last_seen == t0 + 60);
	CHECK(r->attachment_types == std::vector<counted_item>{{"application/pdf", 2}});
	CHECK_FALSE(get(*store, "s:bob@partner.example", t0 + 120));
}

TEST_CASE("the sender history works end to end on LMDB")
{
	lab::temp_dir dir("history-lmdb");
	sender_history history(open_store(dir / "db"));
	auto now = std::chrono::sys_seconds{std::chrono::seconds{t0}};
	REQUIRE(history.observe("alice@partner.example", "", {}, history_verdict::accept, now));
	auto s = history.signals_for("alice@partner.example", "", {}, now);
	REQUIRE(s);
	CHECK(s->empty());
}

TEST_CASE("expired records read as absent and restart when written")
{
	lab::temp_dir dir("history-lmdb");
	auto store = open_store(dir / "db");
	record(*store, "s:alice@partner.example", at(t0));
	CHECK(get(*store, "s:alice@partner.example", t0 + 30 * day));
	CHECK_FALSE(get(*store, "s:alice@partner.example", t0 + 30 * day + 1));

	record(*store, "s:alice@partner.example", at(t0 + 31 * day));
	auto r = get(*store, "s:alice@partner.example", t0 + 31 * day);
	REQUIRE(r);
	CHECK(r->messages == 1);
	CHECK(r->first_seen == t0 + 31 * day);
}

TEST_CASE("writes sweep expired records off the disk")
{
	lab::temp_dir dir("history-lmdb");
	auto store = open_store(dir / "db");
	for (int i = 0; i < 100; ++i)
		record(*store, "s:old" + std::to_string(i) + "@x.example", at(t0));
	// Each write looks at 16 more records; ten writes cover them all.
	for (int i = 0; i < 10; ++i)
		record(*store, "s:new@x.example", at(t0 + 40 * day + i));
	// Read with the old clock: a record still on disk would show.
	int left = 0;
	for (int i = 0; i < 100; ++i)
		left += get(*store, "s:old" + std::to_string(i) + "@x.example", t0) ? 1 : 0;
	CHECK(left == 0);
	CHECK(get(*store, "s:new@x.example", t0 + 40 * day));
}

TEST_CASE("the store stays inside its map size, evicting the least recently seen")
{
	lab::temp_dir dir("history-lmdb");
	std::vector<std::string> warnings;
	auto store = open_store(
	        dir / "db", std::size_t{512} << 10,
	        [&](std::string_view w) { warnings.emplace_back(w); }, false);
	constexpr int senders = 12000; // about twice what fits in 512 KiB
	for (int i = 0; i < senders; ++i)
		record(*store, "s:sender" + std::to_string(i) + "@bulk.example",
		       at(t0 + i, {"application/pdf"}));

	CHECK(std::filesystem::file_size(dir / "db" / "data.mdb") <= std::size_t{512} << 10);
	CHECK_FALSE(warnings.empty());
	int newest = 0;
	int oldest = 0;
	for (int i = 0; i < 1000; ++i) {
		newest +=
		        get(*store, "s:sender" + std::to_string(senders - 1 - i) + "@bulk.example",
		            t0 + senders)
		                ? 1
		                : 0;
		oldest +=
		        get(*store, "s:sender" + std::to_string(i) + "@bulk.example", t0 + senders)
		                ? 1
		                : 0;
	}
	CHECK(newest == 1000);
	CHECK(oldest == 0);
}

TEST_CASE("a damaged record on disk is reported, treated as absent, then replaced")
{
	lab::temp_dir dir("history-lmdb");
	history_record stored;
	{
		auto store = open_store(dir / "db");
		record(*store, "s:alice@partner.example", at(t0, {"application/pdf"}));
		stored = *get(*store, "s:alice@partner.example", t0);
	}
	// Flip one byte of the record inside the database file.
	std::string image = slurp(dir / "db" / "data.mdb");
	std::string encoded = encode_history_record(stored);
	auto where = image.find(encoded);
	REQUIRE(where != std::string::npos);
	{
		std::fstream file(dir / "db" / "data.mdb",
		                  std::ios::in | std::ios::out | std::ios::binary);
		file.seekp(static_cast<std::streamoff>(where + encoded.size() / 2));
		char flipped = static_cast<char>(encoded[encoded.size() / 2] ^ 0x20);
		file.write(&flipped, 1);
	}

	std::vector<std::string> warnings;
	auto store = open_store(dir / "db", std::size_t{8} << 20,
	                        [&](std::string_view w) { warnings.emplace_back(w); });
	auto found = store->fetch(std::vector<std::string>{"s:alice@partner.example"}, t0);
	REQUIRE(found);
	CHECK_FALSE((*found)[0].record);
	CHECK((*found)[0].problem.find("damaged record") != std::string::npos);
	REQUIRE(warnings.size() == 1);
	CHECK(warnings[0] == (*found)[0].problem);

	record(*store, "s:alice@partner.example", at(t0 + 10));
	auto r = get(*store, "s:alice@partner.example", t0 + 10);
	REQUIRE(r);
	CHECK(r->messages == 1);
}

TEST_CASE("concurrent writers lose no update")
{
	lab::temp_dir dir("history-lmdb");
	auto store = open_store(dir / "db");
	std::vector<std::thread> threads;
	for (int t = 0; t < 4; ++t)
		threads.emplace_back([&store, t] {
			for (int i = 0; i < 100; ++i)
				(void)store->record(
				        std::vector<std::string>{"s:a@x.example", "d:x.example"},
				        at(t0 + t * 1000 + i));
		});
	for (auto &t : threads)
		t.join();
	auto r = get(*store, "d:x.example", t0 + 5000);
	REQUIRE(r);
	CHECK(r->messages == 400);
}

TEST_CASE("keys LMDB cannot hold are refused with an error")
{
	lab::temp_dir dir("history-lmdb");
	auto store = open_store(dir / "db");
	auto done = store->record(std::vector<std::string>{std::string(600, 'k')}, at(t0));
	REQUIRE_FALSE(done);
	CHECK(done.error().message.find("too long") != std::string::npos);
}

TEST_CASE("an unusable directory is an error naming it")
{
	lab::temp_dir dir("history-lmdb");
	lab::write_file(dir / "file", "not a directory");
	auto store = open_lmdb_store(
	        {dir / "file" / "db", std::size_t{1} << 20, std::chrono::days{30}, {}, true});
	REQUIRE_FALSE(store);
	CHECK(store.error().message.find((dir / "file").string()) != std::string::npos);
}
