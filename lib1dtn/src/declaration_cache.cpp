#include "declaration_cache.hpp"

#include <algorithm>

namespace dtn {
namespace {

// Upper bound on how long a declaration is kept, whatever its TTL.
constexpr std::uint32_t max_ttl_seconds = 86400;

bool cacheable(declaration const &decl)
{
	return decl.status != declaration::state::temperror && decl.ttl > 0;
}

} // namespace

declaration_cache::value declaration_cache::lookup_locked(std::string const &domain,
                                                          clock::time_point now)
{
	auto it = entries_.find(domain);
	if (it == entries_.end())
		return nullptr;
	if (it->second.expires <= now) {
		recency_.erase(it->second.position);
		entries_.erase(it);
		return nullptr;
	}
	recency_.splice(recency_.begin(), recency_, it->second.position);
	return it->second.decl;
}

void declaration_cache::store_locked(std::string const &domain, value const &decl,
                                     clock::time_point now)
{
	if (capacity_ == 0 || !cacheable(*decl))
		return;
	auto ttl = std::chrono::seconds(std::min(decl->ttl, max_ttl_seconds));
	auto it = entries_.find(domain);
	if (it != entries_.end()) {
		it->second.decl = decl;
		it->second.expires = now + ttl;
		recency_.splice(recency_.begin(), recency_, it->second.position);
		return;
	}
	while (entries_.size() >= capacity_ && !recency_.empty()) {
		entries_.erase(recency_.back());
		recency_.pop_back();
	}
	recency_.push_front(domain);
	entries_.emplace(domain, entry{decl, now + ttl, recency_.begin()});
}

declaration_cache::value declaration_cache::get(std::string const &domain, fetcher const &fetch,
                                                bool *fetched)
{
	if (fetched)
		*fetched = true;
	std::promise<value> promise;
	std::unique_lock guard(lock_);
	if (auto hit = lookup_locked(domain, clock::now())) {
		++counters_.hits;
		if (fetched)
			*fetched = false;
		return hit;
	}
	auto running = in_flight_.find(domain);
	if (running != in_flight_.end()) {
		++counters_.shared;
		auto future = running->second;
		guard.unlock();
		return future.get();
	}
	++counters_.misses;
	in_flight_.emplace(domain, promise.get_future().share());
	guard.unlock();

	auto decl = std::make_shared<declaration const>(fetch(domain));
	guard.lock();
	store_locked(domain, decl, clock::now());
	in_flight_.erase(domain);
	guard.unlock();
	promise.set_value(decl);
	return decl;
}

std::size_t declaration_cache::size() const
{
	std::lock_guard guard(lock_);
	return entries_.size();
}

declaration_cache::counters declaration_cache::stats() const
{
	std::lock_guard guard(lock_);
	return counters_;
}

} // namespace dtn
