// What the sender history remembers about one sender address or one
// sending domain, how one message changes it, and its stored form.
//
// The record is small and bounded: counters plus two sets of at most
// history_max_items named counts. Every backend applies the same rules
// (apply_observation); the Redis backend runs an equivalent Lua script.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace ai {

// The action taken on a past message, as the scorer decided it.
enum class history_verdict { accept, tag, quarantine, reject };
inline constexpr std::size_t history_verdict_count = 4;

std::string_view to_string(history_verdict verdict);
std::optional<history_verdict> history_verdict_from(std::string_view name);

// Bounds of a record. Changing them changes the stored format.
inline constexpr std::size_t history_max_items = 8;        // per set
inline constexpr std::size_t history_max_item_bytes = 128; // per name
inline constexpr std::size_t history_max_types_per_message = 16;

// What the history takes from one message.
struct history_facts {
	std::vector<std::string> attachment_types; // e.g. detected MIME types
	std::string reply_to_domain;               // "" when there is no Reply-To
};

// Lower-cases (ASCII), truncates to history_max_item_bytes, drops empty
// and repeated names, sorts, and keeps at most
// history_max_types_per_message attachment types.
history_facts normalized(history_facts const &facts);

struct counted_item {
	std::string name;
	std::uint32_t count = 0;

	bool operator==(counted_item const &) const = default;
};

struct history_record {
	std::int64_t first_seen = 0; // seconds since the epoch
	std::int64_t last_seen = 0;
	std::uint64_t messages = 0;
	std::array<std::uint64_t, history_verdict_count> verdicts{}; // by history_verdict
	// Sorted by name, unique, counts > 0, at most history_max_items each:
	// in how many messages each type / Reply-To domain appeared.
	std::vector<counted_item> attachment_types;
	std::vector<counted_item> reply_to_domains;

	std::uint64_t count(history_verdict v) const
	{
		return verdicts[static_cast<std::size_t>(v)];
	}
	bool operator==(history_record const &) const = default;
};

// One message to add to a record. `facts` must be normalized().
struct history_observation {
	history_facts facts;
	history_verdict verdict = history_verdict::accept;
	std::int64_t now = 0; // seconds since the epoch
};

// True when nothing was recorded for longer than `expiry`.
bool is_expired(history_record const &record, std::int64_t now, std::chrono::seconds expiry);

// Adds one message: counters, first/last seen, and each set. A name not
// yet in a full set takes the place of the one with the lowest count
// (on a tie, the one that sorts last byte-wise), so sets stay bounded.
void apply_observation(history_record &record, history_observation const &observation);

// Why a record breaks the invariants above, or nullopt when it holds them.
std::optional<std::string> record_problem(history_record const &record);

// Compact binary form, versioned and checksummed (see history_codec.cpp).
std::string encode_history_record(history_record const &record);

// The inverse of encode_history_record. Any damage (bad version, short
// or trailing bytes, non-canonical numbers, broken invariants, checksum
// mismatch) is an error that says what was wrong; never throws.
tl::expected<history_record, std::string> decode_history_record(std::string_view bytes);

} // namespace ai
