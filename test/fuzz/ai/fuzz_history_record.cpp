// The history record decoder on arbitrary bytes: it must never crash,
// and whatever it accepts must be canonical (encoding it again gives the
// same bytes) and hold the record invariants.
//
// A checksum guards every record, so random bytes rarely get past it.
// When the first input byte is odd, the harness appends the right
// checksum to the rest, and the fuzzer explores the fields behind it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ai/history_record.hpp"

namespace {

std::string with_checksum(std::string_view body)
{
	std::uint32_t hash = 2166136261u; // FNV-1a 32, as the record format says
	for (char c : body) {
		hash ^= static_cast<unsigned char>(c);
		hash *= 16777619u;
	}
	std::string out(body);
	for (int i = 0; i < 4; ++i)
		out.push_back(static_cast<char>((hash >> (8 * i)) & 0xFF));
	return out;
}

void check(std::string_view bytes)
{
	auto record = ai::decode_history_record(bytes);
	if (!record)
		return;
	if (ai::record_problem(*record) || ai::encode_history_record(*record) != bytes)
		std::abort();
	// Adding a message to a valid record keeps it valid (short of a
	// message counter at its very last value).
	if (record->messages == UINT64_MAX)
		return;
	ai::history_observation next{ai::normalized({{"application/x-fuzz"}, "fuzz.example"}),
	                             ai::history_verdict::reject, record->last_seen};
	ai::apply_observation(*record, next);
	if (ai::record_problem(*record))
		std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	check(input);
	if (!input.empty() && (data[0] & 1) != 0)
		check(with_checksum(input.substr(1)));
	return 0;
}
