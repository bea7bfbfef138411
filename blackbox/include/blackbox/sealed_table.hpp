// Sealed tables: Postfix lookup tables stored as AES-256-GCM ciphertext.
// The file format is described in blackbox(5). In short:
//
//   header   magic, version, table name, key id, generation, counts,
//            authenticated by an AES-256-GCM tag (header as associated data)
//   index    one record per entry, sorted: keyed BLAKE2b hash of the
//            lookup key, offset and length of its sealed record
//   records  per entry: random 96-bit nonce, AES-256-GCM ciphertext of
//            (key, value), tag; table name + key hash as associated data
//   trailer  keyed BLAKE2b MAC over everything before it
//
// A lookup hashes the key, binary-searches the index and decrypts one
// record. Opening checks everything (header, sizes, MAC, index order and
// bounds) before a single lookup is served.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "blackbox/keys.hpp"

namespace blackbox {

constexpr std::uint16_t sealed_format_version = 1;
constexpr std::size_t max_table_name = 255;
constexpr std::size_t max_key_bytes = 1024;
constexpr std::size_t max_value_bytes = 65536;
constexpr std::size_t key_hash_bytes = 16;

struct table_entry {
	std::string key;
	std::string value;
};

struct table_header {
	std::uint16_t version = 0;
	std::string name;
	std::uint64_t key_id = 0;
	std::uint64_t generation = 0;
	std::uint64_t entry_count = 0;
	std::uint64_t records_size = 0;
	std::uint64_t sealed_at = 0; // seconds since the epoch
};

struct seal_options {
	std::string table_name;
	std::uint64_t generation = 1;
	std::uint64_t sealed_at = 0; // 0: now
};

// Lower-cases ASCII letters, as Postfix folds keys of fixed tables.
std::string fold_key(std::string_view key);

// Seals `entries` into the bytes of a table file. Keys are folded;
// duplicate keys, empty keys and oversized keys or values are refused.
tl::expected<std::string, std::string> seal_table(std::vector<table_entry> const &entries,
                                                  master_key const &key,
                                                  seal_options const &options);

// Reads a header without verifying it: for picking the next generation
// and for showing what a file claims when it cannot be opened.
tl::expected<table_header, std::string> peek_header(std::string_view bytes);

struct open_options {
	std::string expected_name;        // empty: any table name
	std::uint64_t min_generation = 0; // refuse older generations
};

class sealed_table {
      public:
	// Opens and verifies a table. `label` names it in error messages.
	static tl::expected<std::shared_ptr<sealed_table const>, std::string>
	open_memory(std::string bytes, master_key const &key, open_options const &options,
	            std::string const &label);
	static tl::expected<std::shared_ptr<sealed_table const>, std::string>
	open_file(std::filesystem::path const &path, master_key const &key,
	          open_options const &options = {});

	~sealed_table();
	sealed_table(sealed_table const &) = delete;
	sealed_table &operator=(sealed_table const &) = delete;

	table_header const &header() const { return header_; }
	std::string const &label() const { return label_; }
	std::size_t file_size() const { return bytes_.size(); }

	// The value for `key` (folded first), nullopt when absent, or an
	// error if the record fails to decrypt. Safe from several threads.
	tl::expected<std::optional<std::string>, std::string> lookup(std::string_view key) const;

	// Every entry, decrypted, in index order (for list, edit, rekey).
	tl::expected<std::vector<table_entry>, std::string> entries() const;

      private:
	sealed_table(std::string bytes, table_header header, master_key const &key,
	             std::string label);
	tl::expected<table_entry, std::string> open_record(std::size_t index) const;

	std::string bytes_;
	table_header header_;
	std::string label_;
	table_keys keys_;
	std::unique_ptr<secret_bytes> aes_state_;
	std::size_t index_offset_ = 0;
	std::size_t records_offset_ = 0;
};

// Reads a whole file into memory.
tl::expected<std::string, std::string> read_file_bytes(std::filesystem::path const &path);

// Writes `bytes` to `path` atomically: a temporary file in the same
// folder, fsync, rename over `path`, fsync of the folder.
tl::expected<void, std::string> write_file_atomic(std::filesystem::path const &path,
                                                  std::string_view bytes, unsigned mode);

} // namespace blackbox
