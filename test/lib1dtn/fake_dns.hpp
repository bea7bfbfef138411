// An in-memory dns_source for unit tests: answers from a map, counts
// queries, and can be slowed down to test concurrency.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "1dtn/dns.hpp"

struct fake_dns final : dtn::dns_source {
	std::map<std::string, dtn::dns_answer> answers; // key: name without trailing dot
	std::atomic<int> queries{0};
	std::chrono::milliseconds delay{0};
	std::mutex lock;

	// A secure TXT answer at `name`.
	void txt(std::string const &name, std::vector<std::string> records, std::uint32_t ttl = 300,
	         dtn::dnssec_state state = dtn::dnssec_state::secure)
	{
		dtn::dns_answer answer;
		answer.status = dtn::dns_status::ok;
		answer.dnssec = state;
		answer.records = std::move(records);
		answer.ttl = ttl;
		std::lock_guard guard(lock);
		answers[name] = answer;
	}

	void fail(std::string const &name, dtn::dns_status status)
	{
		dtn::dns_answer answer;
		answer.status = status;
		answer.dnssec = status == dtn::dns_status::bogus ? dtn::dnssec_state::bogus
		                                                 : dtn::dnssec_state::indeterminate;
		answer.why_bogus =
		        status == dtn::dns_status::bogus ? "signature crypto failed" : "";
		std::lock_guard guard(lock);
		answers[name] = answer;
	}

	dtn::dns_answer query(std::string_view name, dtn::rr_type) override
	{
		++queries;
		if (delay.count() > 0)
			std::this_thread::sleep_for(delay);
		std::string key(name);
		if (!key.empty() && key.back() == '.')
			key.pop_back();
		std::lock_guard guard(lock);
		auto it = answers.find(key);
		if (it != answers.end())
			return it->second;
		dtn::dns_answer missing;
		missing.status = dtn::dns_status::nxdomain;
		missing.dnssec = dtn::dnssec_state::secure;
		missing.ttl = 60;
		return missing;
	}
};
