// The shared history store: records are Redis hashes (see
// history_redis_script.hpp), read with pipelined HGETALL and updated by
// one Lua script per message, with a TTL of the expiry period.
//
// Connections come from a small pool guarded by a mutex, since a
// hiredis context serves one thread at a time. Every socket operation
// has the configured timeout. After a connection-level failure no new
// connection is tried for `retry_after`, so a dead server costs each
// message a quick error rather than a timeout.
#include "ai/history_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <mutex>

#include <csignal>

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <string.h>

#include "history_redis_script.hpp"

namespace ai {
namespace {

using steady = std::chrono::steady_clock;
constexpr std::size_t max_idle_connections = 16;
constexpr std::array<std::string_view, history_verdict_count> verdict_fields{"va", "vt", "vq",
                                                                             "vr"};

void wipe(std::string &secret)
{
	if (!secret.empty())
		::explicit_bzero(secret.data(), secret.size());
	secret.clear();
}

struct reply_deleter {
	void operator()(redisReply *r) const
	{
		if (r != nullptr)
			freeReplyObject(r);
	}
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

struct context_deleter {
	void operator()(redisContext *c) const
	{
		if (c != nullptr)
			redisFree(c);
	}
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

// hiredis writes with write(2): a server that went away would raise
// SIGPIPE and kill the process. While a call runs, the signal is blocked
// in this thread, and one it raised is taken off the pending set.
class sigpipe_guard {
      public:
	sigpipe_guard()
	{
		sigemptyset(&pipe_);
		sigaddset(&pipe_, SIGPIPE);
		sigset_t pending;
		sigpending(&pending);
		was_pending_ = sigismember(&pending, SIGPIPE) == 1;
		pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
	}
	~sigpipe_guard()
	{
		sigset_t pending;
		sigpending(&pending);
		if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
			timespec zero{};
			sigtimedwait(&pipe_, nullptr, &zero);
		}
		pthread_sigmask(SIG_SETMASK, &old_, nullptr);
	}
	sigpipe_guard(sigpipe_guard const &) = delete;
	sigpipe_guard &operator=(sigpipe_guard const &) = delete;

      private:
	sigset_t pipe_{};
	sigset_t old_{};
	bool was_pending_ = false;
};

timeval to_timeval(std::chrono::milliseconds ms)
{
	timeval tv{};
	tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
	tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
	return tv;
}

std::optional<std::uint64_t> to_number(std::string_view s)
{
	std::uint64_t value = 0;
	auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
	if (ec != std::errc() || end != s.data() + s.size() || s.empty())
		return std::nullopt;
	return value;
}

std::string_view text(redisReply const *r)
{
	return {r->str, r->len};
}

// Builds a history record from the flat field/value array HGETALL
// returns. nullopt for an empty hash; an error for a damaged one.
tl::expected<std::optional<history_record>, std::string> record_from_hash(redisReply const *r)
{
	if (r->type != REDIS_REPLY_ARRAY || r->elements % 2 != 0)
		return tl::unexpected(std::string("HGETALL did not return field/value pairs"));
	if (r->elements == 0)
		return std::nullopt;
	history_record record;
	bool have[8] = {};
	std::uint64_t numbers[8] = {};
	constexpr std::string_view names[8] = {"ver", "f", "l", "n", "va", "vt", "vq", "vr"};
	for (std::size_t i = 0; i < r->elements; i += 2) {
		auto const *f = r->element[i];
		auto const *v = r->element[i + 1];
		if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
			return tl::unexpected(std::string("field or value is not a string"));
		std::string_view field = text(f);
		auto number = to_number(text(v));
		if (!number || *number > static_cast<std::uint64_t>(INT64_MAX))
			return tl::unexpected("field '" + std::string(field) + "' is not a number");
		auto prefix = field.substr(0, 2);
		if (prefix == "a:" || prefix == "r:") {
			auto &set =
			        prefix == "a:" ? record.attachment_types : record.reply_to_domains;
			if (*number > UINT32_MAX)
				return tl::unexpected("count of '" + std::string(field) +
				                      "' out of range");
			set.push_back({std::string(field.substr(2)),
			               static_cast<std::uint32_t>(*number)});
			continue;
		}
		for (std::size_t k = 0; k < 8; ++k)
			if (field == names[k]) {
				have[k] = true;
				numbers[k] = *number;
			}
	}
	if (!have[0] || numbers[0] != 1)
		return tl::unexpected(std::string("missing or unknown record version"));
	for (std::size_t k = 1; k < 8; ++k)
		if (!have[k])
			return tl::unexpected("field '" + std::string(names[k]) + "' missing");
	record.first_seen = static_cast<std::int64_t>(numbers[1]);
	record.last_seen = static_cast<std::int64_t>(numbers[2]);
	record.messages = numbers[3];
	for (std::size_t v = 0; v < history_verdict_count; ++v)
		record.verdicts[v] = numbers[4 + v];
	auto by_name = [](counted_item const &a, counted_item const &b) { return a.name < b.name; };
	std::sort(record.attachment_types.begin(), record.attachment_types.end(), by_name);
	std::sort(record.reply_to_domains.begin(), record.reply_to_domains.end(), by_name);
	if (auto problem = record_problem(record))
		return tl::unexpected(*problem);
	return record;
}

class redis_store final : public history_store {
      public:
	explicit redis_store(redis_store_options options) : options_(std::move(options)) {}
	~redis_store() override { wipe(options_.password); }
	redis_store(redis_store const &) = delete;
	redis_store &operator=(redis_store const &) = delete;

	tl::expected<std::vector<history_lookup>, history_error>
	fetch(std::span<const std::string> keys, std::int64_t now) override;

	tl::expected<void, history_error> record(std::span<const std::string> keys,
	                                         history_observation const &observation) override;

	std::string describe() const override
	{
		return "redis " + options_.host + ":" + std::to_string(options_.port) + "/" +
		       std::to_string(options_.database);
	}

      private:
	history_error error(std::string_view what) const
	{
		return {describe() + ": " + std::string(what)};
	}
	tl::expected<context_ptr, history_error> acquire();
	tl::expected<context_ptr, history_error> connect();
	void release(context_ptr context);
	void mark_down();
	tl::expected<reply_ptr, history_error> command(redisContext *c,
	                                               std::vector<std::string> const &args);
	tl::expected<void, history_error> run_script(redisContext *c,
	                                             std::vector<std::string> args);

	redis_store_options options_;
	std::mutex mutex_; // guards idle_, down_until_ and script_sha_
	std::vector<context_ptr> idle_;
	steady::time_point down_until_{};
	std::string script_sha_;
};

tl::expected<context_ptr, history_error> redis_store::acquire()
{
	{
		std::lock_guard lock(mutex_);
		if (!idle_.empty()) {
			context_ptr c = std::move(idle_.back());
			idle_.pop_back();
			return c;
		}
		if (steady::now() < down_until_)
			return tl::unexpected(error("unavailable after a recent failure"));
	}
	auto connected = connect();
	if (!connected)
		mark_down();
	return connected;
}

tl::expected<context_ptr, history_error> redis_store::connect()
{
	context_ptr c(redisConnectWithTimeout(options_.host.c_str(), options_.port,
	                                      to_timeval(options_.timeout)));
	if (!c)
		return tl::unexpected(error("connect: out of memory"));
	if (c->err != 0)
		return tl::unexpected(error(std::string("connect: ") + c->errstr));
	if (redisSetTimeout(c.get(), to_timeval(options_.timeout)) != REDIS_OK)
		return tl::unexpected(error("cannot set the socket timeout"));
	redisEnableKeepAlive(c.get());
	if (!options_.password.empty()) {
		std::vector<std::string> auth{"AUTH", options_.password};
		auto reply = command(c.get(), auth);
		wipe(auth[1]);
		if (!reply)
			return tl::unexpected(reply.error());
	}
	if (options_.database != 0) {
		auto reply = command(c.get(), {"SELECT", std::to_string(options_.database)});
		if (!reply)
			return tl::unexpected(reply.error());
	}
	auto loaded = command(c.get(), {"SCRIPT", "LOAD", detail::history_update_lua});
	if (!loaded)
		return tl::unexpected(loaded.error());
	if ((*loaded)->type != REDIS_REPLY_STRING)
		return tl::unexpected(error("SCRIPT LOAD returned no digest"));
	std::lock_guard lock(mutex_);
	script_sha_.assign(text(loaded->get()));
	return c;
}

void redis_store::release(context_ptr context)
{
	if (!context || context->err != 0)
		return;
	std::lock_guard lock(mutex_);
	if (idle_.size() < max_idle_connections)
		idle_.push_back(std::move(context));
}

void redis_store::mark_down()
{
	std::lock_guard lock(mutex_);
	down_until_ = steady::now() + options_.retry_after;
}

// Runs one command; a connection-level failure marks the server down
// (the caller then drops the connection, whose err is set).
tl::expected<reply_ptr, history_error> redis_store::command(redisContext *c,
                                                            std::vector<std::string> const &args)
{
	std::vector<const char *> argv;
	std::vector<std::size_t> lengths;
	for (auto const &a : args) {
		argv.push_back(a.data());
		lengths.push_back(a.size());
	}
	reply_ptr reply(static_cast<redisReply *>(
	        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
	if (!reply) {
		mark_down();
		return tl::unexpected(error(args[0] + ": " + c->errstr));
	}
	if (reply->type == REDIS_REPLY_ERROR)
		return tl::unexpected(error(args[0] + ": " + std::string(text(reply.get()))));
	return reply;
}

tl::expected<std::vector<history_lookup>, history_error>
redis_store::fetch(std::span<const std::string> keys, std::int64_t now)
{
	sigpipe_guard no_sigpipe;
	auto c = acquire();
	if (!c)
		return tl::unexpected(c.error());
	for (auto const &key : keys) {
		std::string full = options_.key_prefix + key;
		const char *argv[] = {"HGETALL", full.data()};
		std::size_t lengths[] = {7, full.size()};
		redisAppendCommandArgv(c->get(), 2, argv, lengths);
	}
	std::vector<history_lookup> out(keys.size());
	for (std::size_t i = 0; i < keys.size(); ++i) {
		void *raw = nullptr;
		if (redisGetReply(c->get(), &raw) != REDIS_OK) {
			mark_down();
			return tl::unexpected(error(std::string("HGETALL: ") + (*c)->errstr));
		}
		reply_ptr reply(static_cast<redisReply *>(raw));
		if (reply->type == REDIS_REPLY_ERROR) // replies may still be pending: drop it
			return tl::unexpected(error("HGETALL: " + std::string(text(reply.get()))));
		auto record = record_from_hash(reply.get());
		if (!record) {
			out[i].problem = describe() + ": damaged record " + options_.key_prefix +
			                 keys[i] + " ignored: " + record.error();
			if (options_.logger)
				options_.logger(out[i].problem);
		} else if (*record && !is_expired(**record, now, options_.expiry)) {
			out[i].record = std::move(**record);
		}
	}
	release(std::move(*c));
	return out;
}

tl::expected<void, history_error> redis_store::record(std::span<const std::string> keys,
                                                      history_observation const &observation)
{
	std::vector<std::string> args{"EVALSHA", "", std::to_string(keys.size())};
	for (auto const &key : keys)
		args.push_back(options_.key_prefix + key);
	args.push_back(std::to_string(observation.now));
	args.push_back(std::to_string(options_.expiry.count()));
	args.push_back(std::to_string(history_max_items));
	args.emplace_back(verdict_fields[static_cast<std::size_t>(observation.verdict)]);
	args.push_back(observation.facts.reply_to_domain);
	for (auto const &type : observation.facts.attachment_types)
		args.push_back(type);

	sigpipe_guard no_sigpipe;
	auto c = acquire();
	if (!c)
		return tl::unexpected(c.error());
	auto done = run_script(c->get(), std::move(args));
	release(std::move(*c));
	return done;
}

// EVALSHA with the digest SCRIPT LOAD gave; if the server lost its
// script cache (a restart, SCRIPT FLUSH), EVAL sends the text again.
tl::expected<void, history_error> redis_store::run_script(redisContext *c,
                                                          std::vector<std::string> args)
{
	{
		std::lock_guard lock(mutex_);
		args[1] = script_sha_;
	}
	auto reply = command(c, args);
	if (!reply && c->err == 0 && reply.error().message.find("NOSCRIPT") != std::string::npos) {
		args[0] = "EVAL";
		args[1] = detail::history_update_lua;
		reply = command(c, args);
	}
	if (!reply)
		return tl::unexpected(reply.error());
	return {};
}

} // namespace

tl::expected<std::unique_ptr<history_store>, history_error>
open_redis_store(redis_store_options options)
{
	if (options.host.empty() || options.port <= 0 || options.port > 65535)
		return tl::unexpected(history_error{"redis: host and port must be set"});
	if (options.timeout.count() <= 0)
		return tl::unexpected(history_error{"redis: the timeout must be positive"});
	return std::unique_ptr<history_store>(std::make_unique<redis_store>(std::move(options)));
}

} // namespace ai
