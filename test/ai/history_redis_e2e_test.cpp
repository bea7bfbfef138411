// The Redis history store against a real redis-server on loopback: two
// gateways sharing one history, TTLs, atomic updates, the Lua script
// agreeing with the C++ rules, damaged records, a password, and a
// server that hangs or goes away.
#include <doctest/doctest.h>

#include <csignal>
#include <random>
#include <thread>

#include <sys/stat.h>

#include "ai/history.hpp"
#include "lab.hpp"

using namespace ai;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t t0 = 1'767'225'600;
constexpr std::chrono::sys_seconds now0{std::chrono::seconds{t0}};

// A redis-server of our own, on a free loopback port, persisting nothing.
class redis_lab {
      public:
	explicit redis_lab(std::vector<std::string> extra = {})
	{
		REQUIRE(lab::have_program("redis-server"));
		port_ = lab::free_tcp_port();
		std::vector<std::string> argv{"redis-server",
		                              "--port",
		                              std::to_string(port_),
		                              "--bind",
		                              "127.0.0.1",
		                              "--save",
		                              "",
		                              "--appendonly",
		                              "no",
		                              "--dir",
		                              dir_.path().string()};
		argv.insert(argv.end(), extra.begin(), extra.end());
		server_ = std::make_unique<lab::process>(argv, dir_ / "redis.log");
		REQUIRE_MESSAGE(lab::wait_for_tcp("127.0.0.1", port_, 10s),
		                lab::read_file(dir_ / "redis.log"));
	}

	int port() const { return port_; }
	lab::process &server() { return *server_; }
	lab::temp_dir const &dir() const { return dir_; }

	std::string cli(std::string const &args, std::string const &auth = "")
	{
		std::string command = "redis-cli -h 127.0.0.1 -p " + std::to_string(port_);
		if (!auth.empty())
			command += " --no-auth-warning -a " + auth;
		return lab::capture(command + " " + args);
	}

	redis_store_options options(std::string prefix = "t:") const
	{
		redis_store_options o;
		o.port = port_;
		o.key_prefix = std::move(prefix);
		o.expiry = std::chrono::days{30};
		o.timeout = 300ms;
		o.retry_after = 0ms;
		return o;
	}

      private:
	lab::temp_dir dir_{"history-redis"};
	int port_ = 0;
	std::unique_ptr<lab::process> server_;
};

std::unique_ptr<history_store> open_store(redis_store_options options)
{
	auto store = open_redis_store(std::move(options));
	REQUIRE(store);
	return std::move(*store);
}

std::optional<history_record> get(history_store &store, std::string const &key, std::int64_t now)
{
	auto found = store.fetch(std::vector<std::string>{key}, now);
	REQUIRE_MESSAGE(found, (found ? "" : found.error().message));
	return (*found)[0].record;
}

bool fired(std::vector<ai::signal> const &signals, std::string_view rule)
{
	for (auto const &s : signals)
		if (s.rule == rule)
			return true;
	return false;
}

long as_number(std::string const &text)
{
	try {
		return std::stol(text);
	} catch (...) {
		return -1;
	}
}

} // namespace

TEST_CASE("two gateways share one history through Redis")
{
	redis_lab redis;
	sender_history gateway_a(open_store(redis.options()));
	sender_history gateway_b(open_store(redis.options()));
	history_facts pdf{{"application/pdf"}, ""};

	auto first = gateway_b.signals_for("alice@partner.example", "", pdf, now0);
	REQUIRE(first);
	CHECK(fired(*first, "sender.first_contact"));

	REQUIRE(gateway_a.observe("alice@partner.example", "", pdf, history_verdict::accept, now0));
	auto seen = gateway_b.signals_for("alice@partner.example", "", pdf, now0 + 1min);
	REQUIRE(seen);
	CHECK_FALSE(fired(*seen, "sender.first_contact"));
	CHECK_FALSE(fired(*seen, "domain.first_contact"));

	REQUIRE(gateway_b.observe("alice@partner.example", "", pdf, history_verdict::tag,
	                          now0 + 1min));
	auto r = get(gateway_a.store(), "s:alice@partner.example", t0 + 120);
	REQUIRE(r);
	CHECK(r->messages == 2);
	CHECK(r->count(history_verdict::tag) == 1);
	CHECK(r->first_seen == t0);
	CHECK(r->last_seen == t0 + 60);
	CHECK(r->attachment_types == std::vector<counted_item>{{"application/pdf", 2}});
}

TEST_CASE("every record carries a TTL of the expiry period")
{
	redis_lab redis;
	auto store = open_store(redis.options("gw:"));
	REQUIRE(store->record(
	        std::vector<std::string>{"s:alice@partner.example", "d:partner.example"},
	        {{}, history_verdict::accept, t0}));
	for (auto key : {"gw:s:alice@partner.example", "gw:d:partner.example"}) {
		long ttl = as_number(redis.cli(std::string("TTL ") + key));
		CHECK(ttl > 30 * 86400 - 60);
		CHECK(ttl <= 30 * 86400);
	}
	CHECK(redis.cli("HGET gw:d:partner.example n") == "1\n");
}

TEST_CASE("the Lua script and the C++ rules build identical records")
{
	redis_lab redis;
	auto shared = open_store(redis.options());
	auto local = make_memory_store({std::chrono::days{30}});
	std::mt19937 random(20261203);
	std::vector<std::string> keys;
	for (int i = 0; i < 6; ++i)
		keys.push_back("s:user" + std::to_string(i) + "@x.example");

	std::int64_t now = t0;
	for (int step = 0; step < 1000; ++step) {
		history_facts facts;
		int types = static_cast<int>(random() % 3);
		for (int k = 0; k < types; ++k)
			facts.attachment_types.push_back("type/" + std::to_string(random() % 14));
		if (random() % 3 == 0)
			facts.reply_to_domain = "r" + std::to_string(random() % 11) + ".example";
		history_observation obs{normalized(facts),
		                        static_cast<history_verdict>(random() % 4), now};
		// Now and then a gap past the expiry restarts a record.
		now += random() % 400 == 0 ? 31 * 86400 : static_cast<std::int64_t>(random() % 600);
		std::vector<std::string> which{keys[random() % keys.size()]};
		REQUIRE(shared->record(which, obs));
		REQUIRE(local->record(which, obs));
	}
	int compared = 0;
	for (auto const &key : keys) {
		auto a = get(*shared, key, now);
		auto b = get(*local, key, now);
		CHECK(a == b);
		compared += a ? 1 : 0;
	}
	CHECK(compared > 0);
}

TEST_CASE("concurrent updates from two gateways lose nothing")
{
	redis_lab redis;
	auto a = open_store(redis.options());
	auto b = open_store(redis.options());
	auto hammer = [](history_store &store, std::int64_t base) {
		for (int i = 0; i < 150; ++i)
			REQUIRE(store.record(
			        std::vector<std::string>{"d:x.example"},
			        {{{"application/pdf"}, ""}, history_verdict::accept, base + i}));
	};
	std::thread one(hammer, std::ref(*a), t0);
	std::thread two(hammer, std::ref(*b), t0 + 1000);
	one.join();
	two.join();
	auto r = get(*a, "d:x.example", t0 + 2000);
	REQUIRE(r);
	CHECK(r->messages == 300);
	CHECK(r->attachment_types == std::vector<counted_item>{{"application/pdf", 300}});
}

TEST_CASE("a damaged record in Redis is reported, treated as absent, then replaced")
{
	redis_lab redis;
	std::vector<std::string> warnings;
	auto options = redis.options();
	options.logger = [&](std::string_view w) { warnings.emplace_back(w); };
	auto store = open_store(options);
	REQUIRE(store->record(std::vector<std::string>{"s:a@x.example"},
	                      {{}, history_verdict::accept, t0}));
	redis.cli("HSET t:s:a@x.example n lots");

	auto found = store->fetch(std::vector<std::string>{"s:a@x.example"}, t0);
	REQUIRE(found);
	CHECK_FALSE((*found)[0].record);
	CHECK((*found)[0].problem.find("'n' is not a number") != std::string::npos);
	CHECK(warnings.size() == 1);

	REQUIRE(store->record(std::vector<std::string>{"s:a@x.example"},
	                      {{}, history_verdict::reject, t0 + 5}));
	auto r = get(*store, "s:a@x.example", t0 + 5);
	REQUIRE(r);
	CHECK(r->messages == 1);
	CHECK(r->count(history_verdict::reject) == 1);

	redis.cli("SET t:s:b@x.example not-a-hash");
	auto wrong = store->fetch(std::vector<std::string>{"s:b@x.example"}, t0);
	CHECK_FALSE(wrong);
}

TEST_CASE("a password file and a database number are honoured")
{
	redis_lab redis({"--requirepass", "hunter2-but-longer"});
	lab::write_file(redis.dir() / "pw", "hunter2-but-longer\n");
	::chmod((redis.dir() / "pw").c_str(), 0600);
	auto get_setting = [&](std::string_view name) -> std::optional<std::string> {
		if (name == "HistoryBackend")
			return "redis";
		if (name == "HistoryRedisPort")
			return std::to_string(redis.port());
		if (name == "HistoryRedisDB")
			return "2";
		if (name == "HistoryRedisPasswordFile")
			return (redis.dir() / "pw").string();
		return std::nullopt;
	};
	auto settings = history_settings_from(get_setting);
	REQUIRE(settings);
	auto store = open_history_store(*settings);
	REQUIRE(store);
	REQUIRE((*store)->record(std::vector<std::string>{"d:x.example"},
	                         {{}, history_verdict::accept, t0}));
	CHECK(redis.cli("-n 2 EXISTS 1dall:history:d:x.example", "hunter2-but-longer") == "1\n");

	auto wrong = redis.options();
	wrong.password = "guess";
	auto refused = open_store(wrong)->fetch(std::vector<std::string>{"d:x.example"}, t0);
	REQUIRE_FALSE(refused);
	CHECK(refused.error().message.find("AUTH") != std::string::npos);
	CHECK(refused.error().message.find("guess") == std::string::npos);
}

TEST_CASE("a hung server costs one timeout, a stopped one a clean error")
{
	redis_lab redis;
	auto options = redis.options();
	options.retry_after = 2s;
	sender_history history(open_store(options));
	REQUIRE(history.observe("alice@partner.example", "", {}, history_verdict::accept, now0));

	::kill(redis.server().pid(), SIGSTOP);
	auto start = std::chrono::steady_clock::now();
	auto hung = history.signals_for("alice@partner.example", "", {}, now0);
	auto waited = std::chrono::steady_clock::now() - start;
	REQUIRE_FALSE(hung);
	CHECK(waited < 2s);
	// Within retry_after, calls fail at once instead of waiting again.
	start = std::chrono::steady_clock::now();
	CHECK_FALSE(
	        history.observe("alice@partner.example", "", {}, history_verdict::accept, now0));
	CHECK(std::chrono::steady_clock::now() - start < 100ms);
	::kill(redis.server().pid(), SIGCONT);

	// Once the pause is over, the history works again.
	std::this_thread::sleep_for(2100ms);
	auto back = history.signals_for("alice@partner.example", "", {}, now0);
	REQUIRE_MESSAGE(back, (back ? "" : back.error().message));
	CHECK_FALSE(fired(*back, "sender.first_contact"));

	redis.server().stop();
	for (int i = 0; i < 3; ++i) {
		std::this_thread::sleep_for(2100ms * (i == 0 ? 0 : 1));
		auto gone = history.signals_for("alice@partner.example", "", {}, now0);
		REQUIRE_FALSE(gone);
		CHECK(gone.error().message.find("redis 127.0.0.1:" +
		                                std::to_string(redis.port())) == 0);
		CHECK_FALSE(history.observe("alice@partner.example", "", {},
		                            history_verdict::accept, now0));
	}
}
