// The byte layout of sealed table files (version 1), shared by the
// writer and the opener. blackbox(5) is the reference; the two must
// agree. All integers are little-endian.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "blackbox/keys.hpp"
#include "blackbox/sealed_table.hpp"

namespace blackbox::format {

// "\x89BBX\r\n\x1a\n": binary, and damaged by text-mode copies.
constexpr std::string_view magic{"\x89"
                                 "BBX\r\n\x1a\n",
                                 8};
constexpr std::size_t fixed_header_bytes = 56;
constexpr std::size_t nonce_bytes = 12;
constexpr std::size_t tag_bytes = 16;
constexpr std::size_t mac_bytes = 32;
constexpr std::size_t index_record_bytes = key_hash_bytes + 8 + 4 + 4;
constexpr std::size_t record_header_bytes = 8;
constexpr std::size_t record_padding = 32;
constexpr std::size_t min_record_bytes = nonce_bytes + record_padding + tag_bytes;

inline unsigned char const *bytes_of(std::string_view s)
{
	return reinterpret_cast<unsigned char const *>(s.data());
}

inline std::size_t padded_size(std::size_t n)
{
	return (n + record_padding - 1) / record_padding * record_padding;
}

inline std::size_t header_size(std::size_t name_length)
{
	return fixed_header_bytes + name_length + nonce_bytes + tag_bytes;
}

void put_u16(std::string &out, std::uint16_t v);
void put_u32(std::string &out, std::uint32_t v);
void put_u64(std::string &out, std::uint64_t v);
std::uint16_t get_u16(unsigned char const *p);
std::uint32_t get_u32(unsigned char const *p);
std::uint64_t get_u64(unsigned char const *p);

// Keyed BLAKE2b of a folded lookup key.
void hash_key(std::string_view folded_key, unsigned char const *index_key, unsigned char *out);

// Associated data of a record: name length, table name, key hash.
std::string record_ad(std::string_view table_name, unsigned char const *hash);

// Header with its nonce and AES-256-GCM tag.
std::string encode_header(table_header const &header, table_keys const &keys);
// Parses the header fields (not yet authenticated).
tl::expected<table_header, std::string> decode_header(std::string_view bytes);
bool verify_header_tag(std::string_view bytes, std::size_t name_length, table_keys const &keys);

tl::expected<void, std::string> check_file_size(std::size_t size, table_header const &header);
void append_file_mac(std::string &file, table_keys const &keys);
bool verify_file_mac(std::string_view file, table_keys const &keys);

// Index sorted strictly by hash, records contiguous and well sized.
tl::expected<void, std::string> check_index(std::string_view file, table_header const &header);

tl::expected<table_entry, std::string> parse_record_plaintext(std::string_view plain);

} // namespace blackbox::format
