#include <doctest/doctest.h>

#include <map>
#include <set>

#include <sys/stat.h>

#include "ai/history_store.hpp"
#include "lab.hpp"

using namespace ai;

namespace {

auto lookup(std::map<std::string, std::string, std::less<>> values)
{
	return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
		auto it = values.find(name);
		if (it == values.end())
			return std::nullopt;
		return it->second;
	};
}

} // namespace

TEST_CASE("defaults: LMDB, 64 MB, 90 days")
{
	auto s = history_settings_from(lookup({}));
	REQUIRE(s);
	CHECK(s->backend == "lmdb");
	CHECK(s->lmdb.directory == "/var/lib/1dallmail/history");
	CHECK(s->lmdb.map_bytes == std::size_t{64} << 20);
	CHECK(s->expiry == std::chrono::days{90});
	CHECK(s->redis.port == 6379);
	CHECK(s->redis.timeout == std::chrono::milliseconds{200});
	CHECK(s->lmdb.sync_each_write);
	auto fast = history_settings_from(lookup({{"HistoryLmdbSync", "no"}}));
	REQUIRE(fast);
	CHECK_FALSE(fast->lmdb.sync_each_write);
	CHECK_FALSE(history_settings_from(lookup({{"HistoryLmdbSync", "maybe"}})));
}

TEST_CASE("every key of the table is read, and only keys of the table")
{
	std::set<std::string, std::less<>> asked;
	auto recording = [&](std::string_view name) -> std::optional<std::string> {
		asked.emplace(name);
		return std::nullopt;
	};
	REQUIRE(history_settings_from(recording));
	std::set<std::string, std::less<>> table;
	for (auto const &spec : history_settings_table()) {
		table.emplace(spec.name);
		CHECK_FALSE(spec.help.empty());
	}
	CHECK(asked == table);
}

TEST_CASE("values are read and checked")
{
	auto s = history_settings_from(lookup({{"HistoryBackend", "redis"},
	                                       {"HistoryRedisHost", "10.0.0.5"},
	                                       {"HistoryRedisPort", "6380"},
	                                       {"HistoryRedisDB", "3"},
	                                       {"HistoryExpiryDays", "30"},
	                                       {"HistoryRedisTimeoutMs", "50"}}));
	REQUIRE(s);
	CHECK(s->backend == "redis");
	CHECK(s->redis.host == "10.0.0.5");
	CHECK(s->redis.port == 6380);
	CHECK(s->redis.database == 3);
	CHECK(s->redis.expiry == std::chrono::days{30});
	CHECK(s->redis.timeout == std::chrono::milliseconds{50});

	auto bad_backend = history_settings_from(lookup({{"HistoryBackend", "sqlite"}}));
	REQUIRE_FALSE(bad_backend);
	CHECK(bad_backend.error().message.find("HistoryBackend: 'sqlite'") == 0);

	auto bad_port = history_settings_from(lookup({{"HistoryRedisPort", "70000"}}));
	REQUIRE_FALSE(bad_port);
	CHECK(bad_port.error().message ==
	      "HistoryRedisPort: '70000' is not a number from 1 to 65535");

	CHECK_FALSE(history_settings_from(lookup({{"HistoryMapSizeMB", "0"}})));
	CHECK_FALSE(history_settings_from(lookup({{"HistoryExpiryDays", "ten"}})));
}

TEST_CASE("the Redis password comes from a file nobody else may read")
{
	lab::temp_dir dir("history-settings");
	lab::write_file(dir / "pw", "s3cret\n");
	::chmod((dir / "pw").c_str(), 0640);
	auto s = history_settings_from(
	        lookup({{"HistoryBackend", "redis"},
	                {"HistoryRedisPasswordFile", (dir / "pw").string()}}));
	REQUIRE(s);
	CHECK(s->redis.password == "s3cret");

	::chmod((dir / "pw").c_str(), 0644);
	auto open = history_settings_from(
	        lookup({{"HistoryBackend", "redis"},
	                {"HistoryRedisPasswordFile", (dir / "pw").string()}}));
	REQUIRE_FALSE(open);
	CHECK(open.error().message.find("readable by others") != std::string::npos);
	CHECK(open.error().message.find("s3cret") == std::string::npos);
}

TEST_CASE("the factory opens the configured backend")
{
	lab::temp_dir dir("history-settings");
	auto lmdb = history_settings_from(
	        lookup({{"HistoryPath", (dir / "db").string()}, {"HistoryMapSizeMB", "2"}}));
	REQUIRE(lmdb);
	auto store = open_history_store(*lmdb);
	REQUIRE(store);
	REQUIRE(*store);
	CHECK((*store)->describe() == "lmdb " + (dir / "db").string());

	auto off = open_history_store(*history_settings_from(lookup({{"HistoryBackend", "off"}})));
	REQUIRE(off);
	CHECK_FALSE(*off);

	auto memory =
	        open_history_store(*history_settings_from(lookup({{"HistoryBackend", "memory"}})));
	REQUIRE(memory);
	CHECK((*memory)->describe() == "memory");
}
