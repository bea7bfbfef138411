// Where sender history lives: one interface, three backends.
//
//   lmdb    embedded, one file per gateway; bounded by its map size, old
//           records expire and the oldest are evicted when it fills up
//   redis   shared by several gateways side by side; keys expire by TTL,
//           every update is one atomic Lua script
//   memory  a process-local map, for tests and one-shot tools
//
// Every store is safe to use from several threads at once. No call
// throws; a failure (disk, network, timeout) comes back as a
// history_error, and the caller treats the history as unknown.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "ai/history_record.hpp"

namespace ai {

struct history_error {
	std::string message; // what failed and where, e.g. "redis 127.0.0.1:6379: timeout"
};

// Receives warnings a store can survive, such as a damaged record that
// was treated as absent. Libraries never log by themselves.
using history_logger = std::function<void(std::string_view message)>;

// One record read from a store.
struct history_lookup {
	std::optional<history_record> record; // nullopt: never seen, expired or unreadable
	std::string problem;                  // set when a stored record was unreadable and ignored
};

class history_store {
      public:
	virtual ~history_store() = default;

	// Reads the records under `keys`, in the same order. Expired records
	// (relative to `now`, seconds since the epoch) come back absent.
	virtual tl::expected<std::vector<history_lookup>, history_error>
	fetch(std::span<const std::string> keys, std::int64_t now) = 0;

	// Adds `observation` to the record under each key, atomically per
	// key. An absent, expired or unreadable record starts afresh.
	virtual tl::expected<void, history_error>
	record(std::span<const std::string> keys, history_observation const &observation) = 0;

	// "lmdb /var/lib/1dallmail/history", "redis 127.0.0.1:6379/0"...
	virtual std::string describe() const = 0;
};

struct memory_store_options {
	std::chrono::seconds expiry{std::chrono::days{90}};
};

struct lmdb_store_options {
	std::filesystem::path directory; // created (mode 0700) when missing
	std::size_t map_bytes = std::size_t{64} << 20;
	std::chrono::seconds expiry{std::chrono::days{90}};
	history_logger logger;
	// false: no fsync per write (MDB_NOSYNC). Much faster; a system
	// crash may then lose recent writes or damage the file.
	bool sync_each_write = true;
};

struct redis_store_options {
	std::string host = "127.0.0.1";
	int port = 6379;
	int database = 0;
	std::string password;                   // sent with AUTH; wiped when the store is destroyed
	std::chrono::milliseconds timeout{200}; // connect, and each reply
	std::chrono::milliseconds retry_after{1000}; // no reconnect attempt sooner after a failure
	std::string key_prefix = "1dall:history:";
	std::chrono::seconds expiry{std::chrono::days{90}};
	history_logger logger;
};

std::unique_ptr<history_store> make_memory_store(memory_store_options const &options = {});

tl::expected<std::unique_ptr<history_store>, history_error>
open_lmdb_store(lmdb_store_options const &options);

// Connects lazily: opening never fails for an unreachable server, the
// first call that needs it does.
tl::expected<std::unique_ptr<history_store>, history_error>
open_redis_store(redis_store_options options);

// ---- configuration -------------------------------------------------------

// One configuration key of the history, as 1dall-milter.conf(5) shows it.
struct history_setting_spec {
	std::string_view name;
	std::string_view default_value;
	std::string_view help;
};

// Every history key with its default; the milter adds these to its table.
std::span<const history_setting_spec> history_settings_table();

struct history_settings {
	std::string backend = "lmdb"; // lmdb | redis | memory | off
	lmdb_store_options lmdb;
	redis_store_options redis;
	std::chrono::seconds expiry{std::chrono::days{90}};
};

// Reads the keys of history_settings_table() through `get` (which
// returns nullopt for a key that is not set; names are as in the table).
// Errors name the key and the bad value. A password file is read here.
tl::expected<history_settings, history_error>
history_settings_from(std::function<std::optional<std::string>(std::string_view name)> const &get);

// Opens the configured backend; nullptr (no error) when backend is "off".
tl::expected<std::unique_ptr<history_store>, history_error>
open_history_store(history_settings const &settings, history_logger logger = {});

} // namespace ai
