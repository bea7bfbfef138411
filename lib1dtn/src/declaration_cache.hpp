// The decision cache: declarations by domain, kept for the TTL of the
// answers they were built from, in bounded memory (least recently used
// entries go first). Identical lookups that arrive while one is running
// wait for it instead of querying again (single flight). Temporary
// errors are never kept. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "1dtn/declaration.hpp"

namespace dtn {

class declaration_cache {
      public:
	using value = std::shared_ptr<declaration const>;
	using fetcher = std::function<declaration(std::string_view domain)>;

	explicit declaration_cache(std::size_t capacity) : capacity_(capacity) {}

	// The cached declaration of `domain`, or the one `fetch` returns
	// (`fetched` says which: true when this call or one it waited for
	// made the lookups).
	value get(std::string const &domain, fetcher const &fetch, bool *fetched = nullptr);

	std::size_t size() const;

	struct counters {
		std::size_t hits = 0, misses = 0, shared = 0;
	};
	counters stats() const;

      private:
	using clock = std::chrono::steady_clock;
	struct entry {
		value decl;
		clock::time_point expires;
		std::list<std::string>::iterator position;
	};

	value lookup_locked(std::string const &domain, clock::time_point now);
	void store_locked(std::string const &domain, value const &decl, clock::time_point now);

	std::size_t capacity_;
	mutable std::mutex lock_;
	std::unordered_map<std::string, entry> entries_;
	std::list<std::string> recency_; // front: most recently used
	std::unordered_map<std::string, std::shared_future<value>> in_flight_;
	counters counters_;
};

} // namespace dtn
