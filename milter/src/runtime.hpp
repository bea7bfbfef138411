// The state the libmilter callbacks share (libmilter gives them no user
// pointer): the current policy snapshot, statistics and the count of
// sessions in flight. Internal to the daemon.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include <libmilter/mfapi.h>

#include "log.hpp"
#include "policy.hpp"

namespace milter {

class runtime {
      public:
	static runtime &instance();

	std::shared_ptr<const policy> current() const;
	void install(std::shared_ptr<const policy> next);

	statistics stats;
	std::atomic<int> active_sessions{0};

      private:
	mutable std::mutex mutex_;
	std::shared_ptr<const policy> policy_;
};

// The callback table registered with smfi_register().
smfiDesc filter_description();

} // namespace milter
