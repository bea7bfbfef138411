// The history's configuration keys, their defaults and checks, and the
// factory that opens the configured backend.
#include "ai/history_store.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <sys/stat.h>

namespace ai {
namespace {

constexpr std::array<history_setting_spec, 12> table{{
        {"HistoryBackend", "lmdb",
         "Where sender history is kept: lmdb (a local file), redis (shared by several "
         "gateways), memory (lost on exit) or off"},
        {"HistoryPath", "/var/lib/1dallmail/history",
         "Directory of the LMDB history (created with mode 0700)"},
        {"HistoryMapSizeMB", "64",
         "Largest size of the LMDB history; the least recently seen senders are evicted "
         "before it fills up"},
        {"HistoryLmdbSync", "yes",
         "Flush the LMDB history to disk at each commit; no is far faster, but a system "
         "crash may then lose recent history or damage the file"},
        {"HistoryExpiryDays", "90", "Days after its last message that a sender is forgotten"},
        {"HistoryRedisHost", "127.0.0.1", "Redis server host name or address"},
        {"HistoryRedisPort", "6379", "Redis server TCP port"},
        {"HistoryRedisDB", "0", "Redis database number"},
        {"HistoryRedisPasswordFile", "",
         "File whose first line is the Redis password (must not be readable by others); "
         "empty for none"},
        {"HistoryRedisTimeoutMs", "200", "Timeout for connecting to Redis and for each reply"},
        {"HistoryRedisRetryMs", "1000", "Pause before reconnecting after Redis failed"},
        {"HistoryRedisPrefix", "1dall:history:", "Prefix of every Redis key the history writes"},
}};

struct number_reader {
	std::function<std::optional<std::string>(std::string_view)> const &get;
	std::optional<history_error> problem;

	std::string text(std::string_view name)
	{
		if (auto value = get(name))
			return *value;
		for (auto const &spec : table)
			if (spec.name == name)
				return std::string(spec.default_value);
		return {};
	}

	std::uint64_t number(std::string_view name, std::uint64_t low, std::uint64_t high)
	{
		std::string value = text(name);
		std::uint64_t n = 0;
		auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
		if (ec != std::errc() || end != value.data() + value.size() || n < low ||
		    n > high) {
			if (!problem)
				problem = history_error{std::string(name) + ": '" + value +
				                        "' is not a number from " +
				                        std::to_string(low) + " to " +
				                        std::to_string(high)};
			return low;
		}
		return n;
	}
};

tl::expected<std::string, history_error> read_password(std::string const &path)
{
	struct stat st {};
	if (::stat(path.c_str(), &st) != 0)
		return tl::unexpected(
		        history_error{"HistoryRedisPasswordFile: cannot read " + path});
	if ((st.st_mode & S_IROTH) != 0)
		return tl::unexpected(history_error{"HistoryRedisPasswordFile: " + path +
		                                    " is readable by others"});
	std::ifstream in(path);
	std::string password;
	if (!in || !std::getline(in, password))
		return tl::unexpected(
		        history_error{"HistoryRedisPasswordFile: cannot read " + path});
	while (!password.empty() && (password.back() == '\r' || password.back() == ' '))
		password.pop_back();
	return password;
}

} // namespace

std::span<const history_setting_spec> history_settings_table()
{
	return table;
}

tl::expected<history_settings, history_error>
history_settings_from(std::function<std::optional<std::string>(std::string_view name)> const &get)
{
	number_reader in{get, std::nullopt};
	history_settings s;
	s.backend = in.text("HistoryBackend");
	if (s.backend != "lmdb" && s.backend != "redis" && s.backend != "memory" &&
	    s.backend != "off")
		return tl::unexpected(history_error{"HistoryBackend: '" + s.backend +
		                                    "' is not one of lmdb, redis, memory, off"});
	s.expiry = std::chrono::days(in.number("HistoryExpiryDays", 1, 3650));
	s.lmdb.directory = in.text("HistoryPath");
	s.lmdb.map_bytes = static_cast<std::size_t>(in.number("HistoryMapSizeMB", 1, 1 << 20))
	                   << 20;
	s.lmdb.expiry = s.expiry;
	std::string sync = in.text("HistoryLmdbSync");
	if (sync != "yes" && sync != "no")
		return tl::unexpected(
		        history_error{"HistoryLmdbSync: '" + sync + "' is not yes or no"});
	s.lmdb.sync_each_write = sync == "yes";
	s.redis.host = in.text("HistoryRedisHost");
	s.redis.port = static_cast<int>(in.number("HistoryRedisPort", 1, 65535));
	s.redis.database = static_cast<int>(in.number("HistoryRedisDB", 0, 1 << 20));
	s.redis.timeout = std::chrono::milliseconds(in.number("HistoryRedisTimeoutMs", 1, 60000));
	s.redis.retry_after =
	        std::chrono::milliseconds(in.number("HistoryRedisRetryMs", 0, 3600000));
	s.redis.key_prefix = in.text("HistoryRedisPrefix");
	s.redis.expiry = s.expiry;
	if (in.problem)
		return tl::unexpected(*in.problem);
	if (s.backend == "lmdb" && s.lmdb.directory.empty())
		return tl::unexpected(
		        history_error{"HistoryPath: must be set for the lmdb backend"});
	if (s.backend == "redis" && s.redis.host.empty())
		return tl::unexpected(
		        history_error{"HistoryRedisHost: must be set for the redis backend"});
	std::string password_file = in.text("HistoryRedisPasswordFile");
	if (s.backend == "redis" && !password_file.empty()) {
		auto password = read_password(password_file);
		if (!password)
			return tl::unexpected(password.error());
		s.redis.password = std::move(*password);
	}
	return s;
}

tl::expected<std::unique_ptr<history_store>, history_error>
open_history_store(history_settings const &settings, history_logger logger)
{
	if (settings.backend == "off")
		return std::unique_ptr<history_store>();
	if (settings.backend == "memory")
		return make_memory_store({settings.expiry});
	if (settings.backend == "redis") {
		redis_store_options options = settings.redis;
		options.logger = std::move(logger);
		return open_redis_store(std::move(options));
	}
	lmdb_store_options options = settings.lmdb;
	options.logger = std::move(logger);
	return open_lmdb_store(options);
}

} // namespace ai
