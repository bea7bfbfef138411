// The embedded history store: one LMDB environment, keys are history
// keys, values are encoded history records.
//
// Size stays bounded in three ways. The map size is a hard ceiling.
// Every write also looks at the next few records in key order (a sweep
// that wraps around) and deletes those that expired or are damaged, so
// stale records go without a full scan. And when live data passes
// three quarters of the map, or a write finds the map full, one pass
// deletes every expired record and then the least recently seen ones
// (see make_room for how many). Those deletions run in small
// transactions: copy-on-write needs free pages even to delete, and a
// nearly full map has few.
#include "ai/history_store.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>

#include <lmdb.h>
#include <sys/stat.h>

namespace ai {
namespace {

constexpr std::size_t sweep_per_write = 16;
constexpr double high_water = 0.75;     // of the map in live pages: evict
constexpr double critical_water = 0.90; // and lower the capacity
constexpr double keep_share = 0.80;     // of the capacity, after eviction

std::string_view as_view(MDB_val const &v)
{
	return {static_cast<const char *>(v.mv_data), v.mv_size};
}

MDB_val as_val(std::string_view s)
{
	return MDB_val{s.size(), const_cast<char *>(s.data())};
}

// Aborts a transaction that was not committed.
class txn_guard {
      public:
	txn_guard() = default;
	txn_guard(txn_guard const &) = delete;
	txn_guard &operator=(txn_guard const &) = delete;
	~txn_guard()
	{
		if (txn_ != nullptr)
			mdb_txn_abort(txn_);
	}
	MDB_txn **out() { return &txn_; }
	MDB_txn *get() const { return txn_; }
	int commit()
	{
		int rc = mdb_txn_commit(txn_);
		txn_ = nullptr;
		return rc;
	}

      private:
	MDB_txn *txn_ = nullptr;
};

class cursor_guard {
      public:
	explicit cursor_guard(MDB_cursor *c) : cursor_(c) {}
	cursor_guard(cursor_guard const &) = delete;
	cursor_guard &operator=(cursor_guard const &) = delete;
	~cursor_guard() { mdb_cursor_close(cursor_); }
	MDB_cursor *get() const { return cursor_; }

      private:
	MDB_cursor *cursor_;
};

// An observation waiting for the next group commit.
struct queued_write {
	std::span<const std::string> keys;
	history_observation const *observation = nullptr;
	int rc = 0;
	bool done = false;
};

class lmdb_store final : public history_store {
      public:
	explicit lmdb_store(lmdb_store_options options) : options_(std::move(options)) {}
	~lmdb_store() override
	{
		if (env_ != nullptr)
			mdb_env_close(env_);
	}
	lmdb_store(lmdb_store const &) = delete;
	lmdb_store &operator=(lmdb_store const &) = delete;

	tl::expected<void, history_error> open();

	tl::expected<std::vector<history_lookup>, history_error>
	fetch(std::span<const std::string> keys, std::int64_t now) override;

	tl::expected<void, history_error> record(std::span<const std::string> keys,
	                                         history_observation const &observation) override;

	std::string describe() const override { return "lmdb " + options_.directory.string(); }

      private:
	history_error error(std::string_view what, int rc) const
	{
		return {describe() + ": " + std::string(what) + ": " + mdb_strerror(rc)};
	}
	void warn(std::string const &message) const
	{
		if (options_.logger)
			options_.logger(message);
	}
	bool key_fits(std::string const &key) const
	{
		return !key.empty() && key.size() <= max_key_;
	}

	int write_batch(std::vector<queued_write *> const &batch);
	int write_observations(std::vector<queued_write *> const &batch, std::int64_t now);
	int write_one(MDB_txn *txn, std::string const &key, history_observation const &obs);
	int sweep_some(MDB_txn *txn, std::int64_t now);
	int live_bytes(MDB_txn *txn, std::size_t &bytes, std::size_t &entries) const;
	int make_room(std::int64_t now, bool forced);
	int list_records(MDB_txn *txn, std::int64_t now, std::vector<std::string> &doomed,
	                 std::vector<std::pair<std::int64_t, std::string>> &by_age) const;
	int delete_keys(std::vector<std::string> keys);

	lmdb_store_options options_;
	MDB_env *env_ = nullptr;
	MDB_dbi dbi_ = 0;
	std::size_t max_key_ = 0;
	std::size_t page_size_ = 4096;
	// Writers queue here; the one that sets writing_ commits the queue.
	std::mutex queue_mutex_;
	std::condition_variable queue_cv_;
	std::vector<queued_write *> queue_;
	bool writing_ = false;
	// Touched only by the writer that set writing_:
	std::string sweep_from_;
	std::size_t capacity_ = 0; // records that fit below the high-water mark
};

tl::expected<void, history_error> lmdb_store::open()
{
	std::error_code ec;
	if (!std::filesystem::exists(options_.directory, ec)) {
		std::filesystem::create_directories(options_.directory, ec);
		if (ec)
			return tl::unexpected(history_error{describe() + ": " + ec.message()});
		::chmod(options_.directory.c_str(), 0700);
	}
	int rc = mdb_env_create(&env_);
	if (rc != 0)
		return tl::unexpected(error("mdb_env_create", rc));
	rc = mdb_env_set_mapsize(env_, options_.map_bytes);
	if (rc == 0)
		rc = mdb_env_open(env_, options_.directory.c_str(),
		                  MDB_NOTLS | MDB_NOMETASYNC |
		                          (options_.sync_each_write ? 0u : MDB_NOSYNC),
		                  0600);
	if (rc != 0)
		return tl::unexpected(error("open", rc));
	int dead = 0;
	mdb_reader_check(env_, &dead);
	max_key_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(env_));

	txn_guard txn;
	rc = mdb_txn_begin(env_, nullptr, 0, txn.out());
	if (rc == 0)
		rc = mdb_dbi_open(txn.get(), nullptr, 0, &dbi_);
	MDB_stat stat{};
	if (rc == 0)
		rc = mdb_env_stat(env_, &stat);
	if (rc == 0)
		rc = txn.commit();
	if (rc != 0)
		return tl::unexpected(error("open database", rc));
	page_size_ = stat.ms_psize;
	return {};
}

tl::expected<std::vector<history_lookup>, history_error>
lmdb_store::fetch(std::span<const std::string> keys, std::int64_t now)
{
	txn_guard txn;
	int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, txn.out());
	if (rc != 0)
		return tl::unexpected(error("begin read", rc));
	std::vector<history_lookup> out(keys.size());
	for (std::size_t i = 0; i < keys.size(); ++i) {
		if (!key_fits(keys[i]))
			continue;
		MDB_val key = as_val(keys[i]);
		MDB_val value{};
		rc = mdb_get(txn.get(), dbi_, &key, &value);
		if (rc == MDB_NOTFOUND)
			continue;
		if (rc != 0)
			return tl::unexpected(error("read", rc));
		auto decoded = decode_history_record(as_view(value));
		if (!decoded) {
			out[i].problem =
			        describe() + ": damaged record ignored: " + decoded.error();
			warn(out[i].problem);
		} else if (!is_expired(*decoded, now, options_.expiry)) {
			out[i].record = std::move(*decoded);
		}
	}
	return out;
}

// Group commit: a writer that finds no write in progress commits every
// queued observation (its own and those that arrived while the previous
// commit ran) in one transaction, with one fsync; the others wait for
// its result. Concurrent milter threads thus share the cost of a sync.
tl::expected<void, history_error> lmdb_store::record(std::span<const std::string> keys,
                                                     history_observation const &observation)
{
	for (auto const &key : keys)
		if (!key_fits(key))
			return tl::unexpected(history_error{describe() + ": key of " +
			                                    std::to_string(key.size()) +
			                                    " bytes is empty or too long"});
	queued_write mine{keys, &observation};
	std::unique_lock lock(queue_mutex_);
	queue_.push_back(&mine);
	queue_cv_.wait(lock, [&] { return mine.done || !writing_; });
	if (!mine.done) {
		writing_ = true;
		std::vector<queued_write *> batch;
		batch.swap(queue_);
		lock.unlock();
		int rc = write_batch(batch);
		lock.lock();
		for (auto *w : batch) {
			w->rc = rc;
			w->done = true;
		}
		writing_ = false;
		queue_cv_.notify_all();
	}
	if (mine.rc != 0)
		return tl::unexpected(error("write", mine.rc));
	return {};
}

int lmdb_store::write_batch(std::vector<queued_write *> const &batch)
{
	std::int64_t now = 0;
	for (auto const *w : batch)
		now = std::max(now, w->observation->now);
	int rc = make_room(now, false);
	if (rc == 0)
		rc = write_observations(batch, now);
	if (rc == MDB_MAP_FULL) {
		rc = make_room(now, true);
		if (rc == 0)
			rc = write_observations(batch, now);
	}
	return rc;
}

int lmdb_store::write_observations(std::vector<queued_write *> const &batch, std::int64_t now)
{
	txn_guard txn;
	int rc = mdb_txn_begin(env_, nullptr, 0, txn.out());
	for (std::size_t w = 0; rc == 0 && w < batch.size(); ++w)
		for (std::size_t i = 0; rc == 0 && i < batch[w]->keys.size(); ++i)
			rc = write_one(txn.get(), batch[w]->keys[i], *batch[w]->observation);
	if (rc == 0)
		rc = sweep_some(txn.get(), now);
	if (rc == 0)
		rc = txn.commit();
	return rc;
}

int lmdb_store::write_one(MDB_txn *txn, std::string const &name, history_observation const &obs)
{
	MDB_val key = as_val(name);
	MDB_val value{};
	history_record record;
	int rc = mdb_get(txn, dbi_, &key, &value);
	if (rc == 0) {
		auto decoded = decode_history_record(as_view(value));
		if (!decoded)
			warn(describe() + ": damaged record replaced: " + decoded.error());
		else if (!is_expired(*decoded, obs.now, options_.expiry))
			record = std::move(*decoded);
	} else if (rc != MDB_NOTFOUND) {
		return rc;
	}
	apply_observation(record, obs);
	std::string encoded = encode_history_record(record);
	MDB_val data = as_val(encoded);
	return mdb_put(txn, dbi_, &key, &data, 0);
}

// Looks at the next few records after the last one swept and deletes
// the expired or damaged ones, wrapping around at the end.
int lmdb_store::sweep_some(MDB_txn *txn, std::int64_t now)
{
	MDB_cursor *raw = nullptr;
	int rc = mdb_cursor_open(txn, dbi_, &raw);
	if (rc != 0)
		return rc;
	cursor_guard cursor(raw);
	MDB_val key = as_val(sweep_from_);
	MDB_val value{};
	rc = sweep_from_.empty() ? mdb_cursor_get(raw, &key, &value, MDB_FIRST)
	                         : mdb_cursor_get(raw, &key, &value, MDB_SET_RANGE);
	for (std::size_t seen = 0; rc == 0 && seen < sweep_per_write; ++seen) {
		auto decoded = decode_history_record(as_view(value));
		if (!decoded || is_expired(*decoded, now, options_.expiry)) {
			if (!decoded)
				warn(describe() + ": damaged record deleted: " + decoded.error());
			rc = mdb_cursor_del(raw, 0);
			if (rc != 0)
				return rc;
		}
		rc = mdb_cursor_get(raw, &key, &value, MDB_NEXT);
	}
	if (rc == 0)
		sweep_from_.assign(as_view(key));
	else if (rc == MDB_NOTFOUND)
		sweep_from_.clear();
	else
		return rc;
	return 0;
}

int lmdb_store::live_bytes(MDB_txn *txn, std::size_t &bytes, std::size_t &entries) const
{
	MDB_stat stat{};
	int rc = mdb_stat(txn, dbi_, &stat);
	bytes = (stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages) * page_size_;
	entries = stat.ms_entries;
	return rc;
}

// Deletes expired and damaged records and then the least recently seen
// ones, when the map is filling up.
//
// Deleting scattered records rarely frees whole pages (LMDB merges a
// page only when it is nearly empty), so pages are a poor measure of
// what eviction achieved. Instead, the number of records present when
// live pages first pass the high-water mark is taken as the capacity,
// and each eviction brings the count down to a share of it. Pages past
// the critical mark, or a full map (`forced`), lower the capacity.
int lmdb_store::make_room(std::int64_t now, bool forced)
{
	auto const map = static_cast<double>(options_.map_bytes);
	std::vector<std::string> doomed;
	std::vector<std::pair<std::int64_t, std::string>> by_age;
	{
		txn_guard txn;
		int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, txn.out());
		std::size_t live = 0;
		std::size_t entries = 0;
		if (rc == 0)
			rc = live_bytes(txn.get(), live, entries);
		if (rc != 0)
			return rc;
		bool high = static_cast<double>(live) > map * high_water;
		bool critical = static_cast<double>(live) > map * critical_water;
		if (!forced && !critical && !(high && entries >= capacity_))
			return 0;
		if (capacity_ == 0 || forced || critical)
			capacity_ = capacity_ == 0 ? entries : std::min(capacity_, entries);
		rc = list_records(txn.get(), now, doomed, by_age);
		if (rc != 0)
			return rc;
	}
	auto keep = static_cast<std::size_t>(static_cast<double>(capacity_) * keep_share);
	std::size_t oldest = by_age.size() > keep ? by_age.size() - keep : 0;
	if (forced && oldest == 0 && doomed.empty())
		oldest = std::max<std::size_t>(1, by_age.size() / 10);
	oldest = std::min(oldest, by_age.size());
	std::nth_element(by_age.begin(), by_age.begin() + static_cast<std::ptrdiff_t>(oldest),
	                 by_age.end());
	for (std::size_t i = 0; i < oldest; ++i)
		doomed.push_back(std::move(by_age[i].second));
	int rc = delete_keys(std::move(doomed));
	if (rc == 0 && oldest > 0)
		warn(describe() + ": store full, evicted the " + std::to_string(oldest) +
		     " least recently seen records");
	return rc;
}

// Sorts records into those to delete (expired or damaged) and the
// others, with their last-seen time.
int lmdb_store::list_records(MDB_txn *txn, std::int64_t now, std::vector<std::string> &doomed,
                             std::vector<std::pair<std::int64_t, std::string>> &by_age) const
{
	MDB_cursor *raw = nullptr;
	int rc = mdb_cursor_open(txn, dbi_, &raw);
	if (rc != 0)
		return rc;
	cursor_guard cursor(raw);
	MDB_val key{};
	MDB_val value{};
	rc = mdb_cursor_get(raw, &key, &value, MDB_FIRST);
	while (rc == 0) {
		auto decoded = decode_history_record(as_view(value));
		if (!decoded || is_expired(*decoded, now, options_.expiry))
			doomed.emplace_back(as_view(key));
		else
			by_age.emplace_back(decoded->last_seen, std::string(as_view(key)));
		rc = mdb_cursor_get(raw, &key, &value, MDB_NEXT);
	}
	return rc == MDB_NOTFOUND ? 0 : rc;
}

// Deletes in key order, in transactions small enough that the pages
// they copy fit in a nearly full map.
int lmdb_store::delete_keys(std::vector<std::string> keys)
{
	std::sort(keys.begin(), keys.end());
	std::size_t chunk = std::max<std::size_t>(16, options_.map_bytes / page_size_ / 10);
	for (std::size_t start = 0; start < keys.size(); start += chunk) {
		txn_guard txn;
		int rc = mdb_txn_begin(env_, nullptr, 0, txn.out());
		for (std::size_t i = start; rc == 0 && i < std::min(keys.size(), start + chunk);
		     ++i) {
			MDB_val k = as_val(keys[i]);
			rc = mdb_del(txn.get(), dbi_, &k, nullptr);
			if (rc == MDB_NOTFOUND)
				rc = 0;
		}
		if (rc == 0)
			rc = txn.commit();
		if (rc != 0)
			return rc;
	}
	sweep_from_.clear();
	return 0;
}

} // namespace

tl::expected<std::unique_ptr<history_store>, history_error>
open_lmdb_store(lmdb_store_options const &options)
{
	auto store = std::make_unique<lmdb_store>(options);
	if (auto opened = store->open(); !opened)
		return tl::unexpected(opened.error());
	return std::unique_ptr<history_store>(std::move(store));
}

} // namespace ai
