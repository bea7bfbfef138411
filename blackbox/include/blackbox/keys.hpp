// Key material for sealed tables: the master key file, and the per-table
// keys derived from it.
//
// Every secret lives in sodium_malloc() memory (guard pages, mlock'ed,
// wiped when freed). A master key file must be exactly 32 bytes, a
// regular file owned by the user reading it and not readable by group or
// others, the way ssh treats private keys.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace blackbox {

// Starts libsodium and checks that the CPU can do AES-256-GCM in
// hardware. Safe to call often; the error explains the refusal.
tl::expected<void, std::string> crypto_init();

// A fixed-size block of secret bytes in sodium_malloc() memory.
class secret_bytes {
      public:
	explicit secret_bytes(std::size_t size);
	~secret_bytes();
	secret_bytes(secret_bytes const &) = delete;
	secret_bytes &operator=(secret_bytes const &) = delete;

	unsigned char *data() { return data_; }
	unsigned char const *data() const { return data_; }
	std::size_t size() const { return size_; }

      private:
	unsigned char *data_;
	std::size_t size_;
};

constexpr std::size_t master_key_bytes = 32;

class master_key {
      public:
	// Reads and checks a key file (ownership, mode, size).
	static tl::expected<master_key, std::string> load(std::filesystem::path const &path);
	// A fresh random key, as `blackbox keygen` makes.
	static tl::expected<master_key, std::string> generate();
	// For tests and fuzzing: a key from given bytes.
	static tl::expected<master_key, std::string> from_bytes(unsigned char const *bytes,
	                                                        std::size_t size);

	// Writes the key to a new file with mode 0600; refuses to overwrite.
	tl::expected<void, std::string> save(std::filesystem::path const &path) const;

	// A public fingerprint of the key, recorded in every sealed file, so
	// a wrong key is told apart from a damaged file.
	std::uint64_t id() const { return id_; }
	unsigned char const *bytes() const { return secret_->data(); }

      private:
	explicit master_key(std::shared_ptr<secret_bytes> secret);
	std::shared_ptr<secret_bytes> secret_;
	std::uint64_t id_ = 0;
};

// "0123456789abcdef": how key ids are printed.
std::string key_id_hex(std::uint64_t id);

// The keys of one table, derived from the master key and the table name
// with keyed BLAKE2b, one per purpose.
class table_keys {
      public:
	table_keys(master_key const &master, std::string_view table_name);

	// AES-256-GCM key sealing values and authenticating the header.
	unsigned char const *value_key() const { return keys_->data(); }
	// BLAKE2b key hashing lookup keys.
	unsigned char const *index_key() const { return keys_->data() + 32; }
	// BLAKE2b key of the MAC over the whole file.
	unsigned char const *file_key() const { return keys_->data() + 64; }

      private:
	std::shared_ptr<secret_bytes> keys_;
};

} // namespace blackbox
