#include "format.hpp"

#include <cstring>

#include <sodium.h>

namespace blackbox::format {

void put_u16(std::string &out, std::uint16_t v)
{
	for (int i = 0; i < 2; ++i)
		out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_u32(std::string &out, std::uint32_t v)
{
	for (int i = 0; i < 4; ++i)
		out += static_cast<char>((v >> (8 * i)) & 0xff);
}

void put_u64(std::string &out, std::uint64_t v)
{
	for (int i = 0; i < 8; ++i)
		out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::uint16_t get_u16(unsigned char const *p)
{
	return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

std::uint32_t get_u32(unsigned char const *p)
{
	std::uint32_t v = 0;
	for (int i = 3; i >= 0; --i)
		v = (v << 8) | p[i];
	return v;
}

std::uint64_t get_u64(unsigned char const *p)
{
	std::uint64_t v = 0;
	for (int i = 7; i >= 0; --i)
		v = (v << 8) | p[i];
	return v;
}

void hash_key(std::string_view folded_key, unsigned char const *index_key, unsigned char *out)
{
	::crypto_generichash(out, key_hash_bytes, bytes_of(folded_key), folded_key.size(),
	                     index_key, 32);
}

std::string record_ad(std::string_view table_name, unsigned char const *hash)
{
	std::string ad;
	ad.reserve(1 + table_name.size() + key_hash_bytes);
	ad += static_cast<char>(table_name.size());
	ad += table_name;
	ad.append(reinterpret_cast<char const *>(hash), key_hash_bytes);
	return ad;
}

std::string encode_header(table_header const &h, table_keys const &keys)
{
	std::string out(magic);
	put_u16(out, h.version);
	put_u16(out, static_cast<std::uint16_t>(h.name.size()));
	put_u32(out, 0); // flags, none defined
	put_u64(out, h.key_id);
	put_u64(out, h.generation);
	put_u64(out, h.entry_count);
	put_u64(out, h.records_size);
	put_u64(out, h.sealed_at);
	out += h.name;

	std::size_t nonce_at = out.size();
	out.resize(nonce_at + nonce_bytes + tag_bytes);
	auto *p = reinterpret_cast<unsigned char *>(out.data());
	::randombytes_buf(p + nonce_at, nonce_bytes);
	unsigned long long tag_len = 0;
	// No plaintext: the tag authenticates the header as associated data.
	::crypto_aead_aes256gcm_encrypt(p + nonce_at + nonce_bytes, &tag_len, nullptr, 0, p,
	                                nonce_at + nonce_bytes, nullptr, p + nonce_at,
	                                keys.value_key());
	return out;
}

tl::expected<table_header, std::string> decode_header(std::string_view bytes)
{
	auto const *p = bytes_of(bytes);
	if (bytes.size() < magic.size() || bytes.substr(0, magic.size()) != magic)
		return tl::make_unexpected(
		        std::string("not a BlackBOX sealed table (bad magic number)"));
	if (bytes.size() < fixed_header_bytes)
		return tl::make_unexpected("truncated: " + std::to_string(bytes.size()) +
		                           " bytes, shorter than a header");
	table_header h;
	h.version = get_u16(p + 8);
	if (h.version != sealed_format_version)
		return tl::make_unexpected("format version " + std::to_string(h.version) +
		                           " is not supported (this program reads version " +
		                           std::to_string(sealed_format_version) + ")");
	std::size_t name_length = get_u16(p + 10);
	if (name_length == 0 || name_length > max_table_name)
		return tl::make_unexpected("bad table name length " + std::to_string(name_length));
	if (get_u32(p + 12) != 0)
		return tl::make_unexpected(std::string("unknown header flags"));
	if (bytes.size() < header_size(name_length))
		return tl::make_unexpected("truncated: " + std::to_string(bytes.size()) +
		                           " bytes, shorter than its header");
	h.key_id = get_u64(p + 16);
	h.generation = get_u64(p + 24);
	h.entry_count = get_u64(p + 32);
	h.records_size = get_u64(p + 40);
	h.sealed_at = get_u64(p + 48);
	h.name.assign(bytes.substr(fixed_header_bytes, name_length));
	return h;
}

bool verify_header_tag(std::string_view bytes, std::size_t name_length, table_keys const &keys)
{
	auto const *p = bytes_of(bytes);
	std::size_t nonce_at = fixed_header_bytes + name_length;
	return ::crypto_aead_aes256gcm_decrypt(
	               nullptr, nullptr, nullptr, p + nonce_at + nonce_bytes, tag_bytes, p,
	               nonce_at + nonce_bytes, p + nonce_at, keys.value_key()) == 0;
}

tl::expected<void, std::string> check_file_size(std::size_t size, table_header const &h)
{
	std::size_t head = header_size(h.name.size());
	// Bounds first, so the sum below cannot overflow.
	if (h.entry_count > size / index_record_bytes || h.records_size > size)
		return tl::make_unexpected("truncated: header promises " +
		                           std::to_string(h.entry_count) + " entries, file has " +
		                           std::to_string(size) + " bytes");
	std::uint64_t expected =
	        head + h.entry_count * index_record_bytes + h.records_size + mac_bytes;
	if (size < expected)
		return tl::make_unexpected("truncated: " + std::to_string(size) +
		                           " bytes, the header promises " +
		                           std::to_string(expected));
	if (size > expected)
		return tl::make_unexpected(std::to_string(size - expected) +
		                           " unexpected bytes after the end of the table");
	return {};
}

void append_file_mac(std::string &file, table_keys const &keys)
{
	unsigned char mac[mac_bytes];
	::crypto_generichash(mac, mac_bytes, bytes_of(file), file.size(), keys.file_key(), 32);
	file.append(reinterpret_cast<char const *>(mac), mac_bytes);
}

bool verify_file_mac(std::string_view file, table_keys const &keys)
{
	if (file.size() < mac_bytes)
		return false;
	unsigned char mac[mac_bytes];
	std::size_t body = file.size() - mac_bytes;
	::crypto_generichash(mac, mac_bytes, bytes_of(file), body, keys.file_key(), 32);
	return ::sodium_memcmp(mac, bytes_of(file) + body, mac_bytes) == 0;
}

tl::expected<void, std::string> check_index(std::string_view file, table_header const &h)
{
	auto const *index = bytes_of(file) + header_size(h.name.size());
	std::uint64_t expected_offset = 0;
	for (std::uint64_t i = 0; i < h.entry_count; ++i) {
		auto const *rec = index + i * index_record_bytes;
		if (i > 0 && std::memcmp(rec - index_record_bytes, rec, key_hash_bytes) >= 0)
			return tl::make_unexpected("index entry " + std::to_string(i) +
			                           " is out of order");
		std::uint64_t offset = get_u64(rec + key_hash_bytes);
		std::uint32_t length = get_u32(rec + key_hash_bytes + 8);
		if (offset != expected_offset || length < min_record_bytes ||
		    (length - nonce_bytes - tag_bytes) % record_padding != 0 ||
		    get_u32(rec + key_hash_bytes + 12) != 0)
			return tl::make_unexpected("index entry " + std::to_string(i) +
			                           " points outside its record");
		expected_offset += length;
	}
	if (expected_offset != h.records_size)
		return tl::make_unexpected(std::string("records do not fill the records area"));
	return {};
}

tl::expected<table_entry, std::string> parse_record_plaintext(std::string_view plain)
{
	if (plain.size() < record_header_bytes)
		return tl::make_unexpected(std::string("record too short"));
	auto const *p = bytes_of(plain);
	std::size_t key_len = get_u32(p);
	std::size_t value_len = get_u32(p + 4);
	if (key_len > max_key_bytes || value_len > max_value_bytes ||
	    record_header_bytes + key_len + value_len > plain.size())
		return tl::make_unexpected(std::string("record lengths out of range"));
	table_entry e;
	e.key.assign(plain.substr(record_header_bytes, key_len));
	e.value.assign(plain.substr(record_header_bytes + key_len, value_len));
	return e;
}

} // namespace blackbox::format
