// A history store in process memory: tests, tools, and a reference for
// what the persistent backends must do.
#include "ai/history_store.hpp"

#include <map>
#include <mutex>

namespace ai {
namespace {

class memory_store final : public history_store {
      public:
	explicit memory_store(memory_store_options const &options) : expiry_(options.expiry) {}

	tl::expected<std::vector<history_lookup>, history_error>
	fetch(std::span<const std::string> keys, std::int64_t now) override
	{
		std::lock_guard lock(mutex_);
		std::vector<history_lookup> out(keys.size());
		for (std::size_t i = 0; i < keys.size(); ++i) {
			auto found = records_.find(keys[i]);
			if (found != records_.end() && !is_expired(found->second, now, expiry_))
				out[i].record = found->second;
		}
		return out;
	}

	tl::expected<void, history_error> record(std::span<const std::string> keys,
	                                         history_observation const &observation) override
	{
		std::lock_guard lock(mutex_);
		for (auto const &key : keys) {
			auto &record = records_[key];
			if (record.messages > 0 && is_expired(record, observation.now, expiry_))
				record = {};
			apply_observation(record, observation);
		}
		return {};
	}

	std::string describe() const override { return "memory"; }

      private:
	std::chrono::seconds expiry_;
	std::mutex mutex_;
	std::map<std::string, history_record, std::less<>> records_;
};

} // namespace

std::unique_ptr<history_store> make_memory_store(memory_store_options const &options)
{
	return std::make_unique<memory_store>(options);
}

} // namespace ai
