// The stored form of a history record (LMDB values), version 1:
//
//   'H' 0x01                      magic and version
//   first_seen                    varint, seconds since the epoch
//   last_seen - first_seen        varint
//   messages                      varint
//   accept tag quarantine reject  4 varints
//   n, then n x (length, name bytes, count)    attachment types
//   n, then n x (length, name bytes, count)    Reply-To domains
//   FNV-1a 32 of everything above, 4 bytes little-endian
//
// Varints are unsigned LEB128 and must be minimal, so every record has
// exactly one encoding and decode(encode(r)) == r, encode(decode(b)) == b.
#include "ai/history_record.hpp"

#include <limits>

namespace ai {
namespace {

constexpr char magic = 'H';
constexpr char version = 1;
constexpr std::size_t checksum_bytes = 4;

std::uint32_t fnv1a(std::string_view bytes)
{
	std::uint32_t hash = 2166136261u;
	for (char c : bytes) {
		hash ^= static_cast<unsigned char>(c);
		hash *= 16777619u;
	}
	return hash;
}

void put_varint(std::string &out, std::uint64_t value)
{
	while (value >= 0x80) {
		out.push_back(static_cast<char>((value & 0x7F) | 0x80));
		value >>= 7;
	}
	out.push_back(static_cast<char>(value));
}

void put_set(std::string &out, std::vector<counted_item> const &set)
{
	put_varint(out, set.size());
	for (auto const &item : set) {
		put_varint(out, item.name.size());
		out += item.name;
		put_varint(out, item.count);
	}
}

// Reads fields off the front of a byte string, remembering the first
// problem; once failed, every further read yields zero.
class reader {
      public:
	explicit reader(std::string_view bytes) : rest_(bytes) {}

	std::uint64_t varint(std::string_view field)
	{
		std::uint64_t value = 0;
		for (int shift = 0; shift < 64; shift += 7) {
			if (rest_.empty())
				return fail(field, "truncated");
			auto byte = static_cast<unsigned char>(rest_.front());
			rest_.remove_prefix(1);
			if (shift == 63 && byte > 1)
				return fail(field, "number too large");
			value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
			if ((byte & 0x80) == 0) {
				if (byte == 0 && shift > 0)
					return fail(field, "number not minimally encoded");
				return value;
			}
		}
		return fail(field, "number too long");
	}

	std::string bytes(std::size_t length, std::string_view field)
	{
		if (failed())
			return {};
		if (rest_.size() < length) {
			fail(field, "truncated");
			return {};
		}
		std::string out(rest_.substr(0, length));
		rest_.remove_prefix(length);
		return out;
	}

	std::vector<counted_item> set(std::string_view field)
	{
		std::vector<counted_item> out;
		std::uint64_t n = varint(field);
		if (n > history_max_items) {
			fail(field, "too many entries");
			return out;
		}
		for (std::uint64_t i = 0; i < n && !failed(); ++i) {
			std::uint64_t length = varint(field);
			if (length > history_max_item_bytes) {
				fail(field, "name too long");
				break;
			}
			counted_item item;
			item.name = bytes(length, field);
			std::uint64_t count = varint(field);
			if (count > std::numeric_limits<std::uint32_t>::max())
				fail(field, "count too large");
			item.count = static_cast<std::uint32_t>(count);
			out.push_back(std::move(item));
		}
		return out;
	}

	bool failed() const { return !problem_.empty(); }
	bool at_end() const { return rest_.empty(); }
	std::string const &problem() const { return problem_; }

	std::uint64_t fail(std::string_view field, std::string_view what)
	{
		if (problem_.empty())
			problem_ = std::string(field) + ": " + std::string(what);
		rest_ = {};
		return 0;
	}

      private:
	std::string_view rest_;
	std::string problem_;
};

constexpr auto int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

} // namespace

std::string encode_history_record(history_record const &record)
{
	std::string out;
	out.reserve(64);
	out.push_back(magic);
	out.push_back(version);
	put_varint(out, static_cast<std::uint64_t>(record.first_seen));
	put_varint(out, static_cast<std::uint64_t>(record.last_seen - record.first_seen));
	put_varint(out, record.messages);
	for (auto v : record.verdicts)
		put_varint(out, v);
	put_set(out, record.attachment_types);
	put_set(out, record.reply_to_domains);
	std::uint32_t sum = fnv1a(out);
	for (std::size_t i = 0; i < checksum_bytes; ++i)
		out.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
	return out;
}

tl::expected<history_record, std::string> decode_history_record(std::string_view bytes)
{
	if (bytes.size() < 2 + checksum_bytes || bytes[0] != magic)
		return tl::unexpected(std::string("not a history record"));
	if (bytes[1] != version)
		return tl::unexpected("unknown record version " +
		                      std::to_string(static_cast<unsigned char>(bytes[1])));
	std::string_view body = bytes.substr(0, bytes.size() - checksum_bytes);
	std::uint32_t stored = 0;
	for (std::size_t i = 0; i < checksum_bytes; ++i)
		stored |= static_cast<std::uint32_t>(
		                  static_cast<unsigned char>(bytes[body.size() + i]))
		          << (8 * i);
	if (stored != fnv1a(body))
		return tl::unexpected(std::string("checksum mismatch"));

	reader in(body.substr(2));
	history_record record;
	std::uint64_t first = in.varint("first seen");
	std::uint64_t span = in.varint("last seen");
	if (first > int64_max || span > int64_max - first)
		in.fail("last seen", "time out of range");
	record.first_seen = static_cast<std::int64_t>(first);
	record.last_seen = static_cast<std::int64_t>(first + span);
	record.messages = in.varint("message count");
	for (auto &v : record.verdicts)
		v = in.varint("verdict count");
	record.attachment_types = in.set("attachment types");
	record.reply_to_domains = in.set("reply-to domains");
	if (in.failed())
		return tl::unexpected(in.problem());
	if (!in.at_end())
		return tl::unexpected(std::string("trailing bytes"));
	if (auto problem = record_problem(record))
		return tl::unexpected(*problem);
	return record;
}

} // namespace ai
