#include "blackbox/sealed_table.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format.hpp"

namespace blackbox {
namespace fs = std::filesystem;
using namespace format;

namespace {

tl::unexpected<std::string> fail(std::string const &label, std::string const &why)
{
	return tl::make_unexpected(label + ": " + why);
}

struct hashed_entry {
	std::array<unsigned char, key_hash_bytes> hash;
	table_entry const *entry;
};

// The record plaintext: lengths, key, value, zero padding.
std::string record_plaintext(table_entry const &e, std::string const &folded_key)
{
	std::string plain;
	std::size_t size = record_header_bytes + folded_key.size() + e.value.size();
	plain.reserve(padded_size(size));
	put_u32(plain, static_cast<std::uint32_t>(folded_key.size()));
	put_u32(plain, static_cast<std::uint32_t>(e.value.size()));
	plain += folded_key;
	plain += e.value;
	plain.resize(padded_size(size), '\0');
	return plain;
}

tl::expected<void, std::string> check_entry(table_entry const &e, std::string const &folded)
{
	if (folded.empty())
		return tl::make_unexpected(std::string("an entry has an empty key"));
	if (folded.size() > max_key_bytes)
		return tl::make_unexpected("key of " + std::to_string(folded.size()) +
		                           " bytes is longer than " +
		                           std::to_string(max_key_bytes));
	if (e.value.size() > max_value_bytes)
		return tl::make_unexpected("value for key '" + folded + "' is " +
		                           std::to_string(e.value.size()) + " bytes, longer than " +
		                           std::to_string(max_value_bytes));
	return {};
}

void append_record(std::string &out, table_entry const &e, std::string const &folded,
                   unsigned char const *hash, std::string const &name, table_keys const &keys)
{
	std::string plain = record_plaintext(e, folded);
	std::string ad = record_ad(name, hash);
	std::size_t start = out.size();
	out.resize(start + nonce_bytes + plain.size() + tag_bytes);
	auto *p = reinterpret_cast<unsigned char *>(out.data()) + start;
	::randombytes_buf(p, nonce_bytes);
	unsigned long long written = 0;
	::crypto_aead_aes256gcm_encrypt(p + nonce_bytes, &written, bytes_of(plain), plain.size(),
	                                bytes_of(ad), ad.size(), nullptr, p, keys.value_key());
	::sodium_memzero(plain.data(), plain.size());
}

} // namespace

std::string fold_key(std::string_view key)
{
	std::string folded(key);
	for (char &c : folded)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return folded;
}

tl::expected<std::string, std::string> seal_table(std::vector<table_entry> const &entries,
                                                  master_key const &key,
                                                  seal_options const &options)
{
	if (auto ready = crypto_init(); !ready)
		return tl::make_unexpected(ready.error());
	std::string const &name = options.table_name;
	if (name.empty() || name.size() > max_table_name)
		return tl::make_unexpected("table name must be 1 to " +
		                           std::to_string(max_table_name) + " bytes");
	table_keys keys(key, name);

	std::vector<std::string> folded;
	std::vector<hashed_entry> order;
	folded.reserve(entries.size());
	order.reserve(entries.size());
	for (auto const &e : entries) {
		folded.push_back(fold_key(e.key));
		if (auto ok = check_entry(e, folded.back()); !ok)
			return tl::make_unexpected(ok.error());
		hashed_entry h{};
		h.entry = &e;
		hash_key(folded.back(), keys.index_key(), h.hash.data());
		order.push_back(h);
	}
	std::sort(order.begin(), order.end(),
	          [](auto const &a, auto const &b) { return a.hash < b.hash; });
	for (std::size_t i = 1; i < order.size(); ++i)
		if (order[i].hash == order[i - 1].hash)
			return tl::make_unexpected("duplicate key '" +
			                           fold_key(order[i].entry->key) + "'");

	std::string records;
	std::string index;
	for (auto const &h : order) {
		std::size_t offset = records.size();
		append_record(records, *h.entry, fold_key(h.entry->key), h.hash.data(), name, keys);
		index.append(reinterpret_cast<char const *>(h.hash.data()), h.hash.size());
		put_u64(index, offset);
		put_u32(index, static_cast<std::uint32_t>(records.size() - offset));
		put_u32(index, 0);
	}

	table_header header;
	header.version = sealed_format_version;
	header.name = name;
	header.key_id = key.id();
	header.generation = options.generation;
	header.entry_count = entries.size();
	header.records_size = records.size();
	header.sealed_at = options.sealed_at != 0 ? options.sealed_at
	                                          : static_cast<std::uint64_t>(std::time(nullptr));

	std::string file = encode_header(header, keys);
	file += index;
	file += records;
	append_file_mac(file, keys);
	return file;
}

tl::expected<table_header, std::string> peek_header(std::string_view bytes)
{
	return decode_header(bytes);
}

sealed_table::sealed_table(std::string bytes, table_header header, master_key const &key,
                           std::string label)
    : bytes_(std::move(bytes)), header_(std::move(header)), label_(std::move(label)),
      keys_(key, header_.name),
      aes_state_(std::make_unique<secret_bytes>(sizeof(crypto_aead_aes256gcm_state)))
{
	::crypto_aead_aes256gcm_beforenm(
	        reinterpret_cast<crypto_aead_aes256gcm_state *>(aes_state_->data()),
	        keys_.value_key());
	index_offset_ = header_size(header_.name.size());
	records_offset_ = index_offset_ + header_.entry_count * index_record_bytes;
}

sealed_table::~sealed_table() = default;

tl::expected<std::shared_ptr<sealed_table const>, std::string>
sealed_table::open_memory(std::string bytes, master_key const &key, open_options const &options,
                          std::string const &label)
{
	if (auto ready = crypto_init(); !ready)
		return fail(label, ready.error());
	auto header = decode_header(bytes);
	if (!header)
		return fail(label, header.error());
	if (header->key_id != key.id())
		return fail(label, "wrong key: sealed under key id " + key_id_hex(header->key_id) +
		                           ", but the key has id " + key_id_hex(key.id()));
	table_keys keys(key, header->name);
	if (!verify_header_tag(bytes, header->name.size(), keys))
		return fail(label, "header authentication failed: the header was altered");
	if (!options.expected_name.empty() && header->name != options.expected_name)
		return fail(label, "wrong table name: the file holds table '" + header->name +
		                           "', expected '" + options.expected_name + "'");
	if (header->generation < options.min_generation)
		return fail(label, "generation " + std::to_string(header->generation) +
		                           " is older than generation " +
		                           std::to_string(options.min_generation) +
		                           " already loaded (an old copy replayed?)");
	if (auto size = check_file_size(bytes.size(), *header); !size)
		return fail(label, size.error());
	if (!verify_file_mac(bytes, keys))
		return fail(label, "file MAC mismatch: content was altered, removed, reordered "
		                   "or replaced");
	if (auto ok = check_index(bytes, *header); !ok)
		return fail(label, ok.error());
	auto table = std::shared_ptr<sealed_table const>(
	        new sealed_table(std::move(bytes), std::move(*header), key, label));
	return table;
}

tl::expected<std::shared_ptr<sealed_table const>, std::string>
sealed_table::open_file(fs::path const &path, master_key const &key, open_options const &options)
{
	auto bytes = read_file_bytes(path);
	if (!bytes)
		return tl::make_unexpected(bytes.error());
	return open_memory(std::move(*bytes), key, options, path.string());
}

tl::expected<table_entry, std::string> sealed_table::open_record(std::size_t i) const
{
	auto const *base = bytes_of(bytes_);
	auto const *rec = base + index_offset_ + i * index_record_bytes;
	std::uint64_t offset = get_u64(rec + key_hash_bytes);
	std::uint32_t length = get_u32(rec + key_hash_bytes + 8);
	auto const *sealed = base + records_offset_ + offset;
	std::string ad = record_ad(header_.name, rec);

	std::string plain(length - nonce_bytes - tag_bytes, '\0');
	unsigned long long plain_len = 0;
	int rc = ::crypto_aead_aes256gcm_decrypt_afternm(
	        reinterpret_cast<unsigned char *>(plain.data()), &plain_len, nullptr,
	        sealed + nonce_bytes, length - nonce_bytes, bytes_of(ad), ad.size(), sealed,
	        reinterpret_cast<crypto_aead_aes256gcm_state const *>(aes_state_->data()));
	if (rc != 0)
		return fail(label_, "record " + std::to_string(i) + " failed to decrypt");
	auto parsed = parse_record_plaintext(plain);
	::sodium_memzero(plain.data(), plain.size());
	if (!parsed)
		return fail(label_, "record " + std::to_string(i) + ": " + parsed.error());
	return parsed;
}

tl::expected<std::optional<std::string>, std::string>
sealed_table::lookup(std::string_view key) const
{
	std::string folded = fold_key(key);
	unsigned char hash[key_hash_bytes];
	hash_key(folded, keys_.index_key(), hash);

	std::size_t lo = 0;
	std::size_t hi = header_.entry_count;
	auto const *index = bytes_of(bytes_) + index_offset_;
	while (lo < hi) {
		std::size_t mid = lo + (hi - lo) / 2;
		int cmp = std::memcmp(index + mid * index_record_bytes, hash, key_hash_bytes);
		if (cmp == 0) {
			auto entry = open_record(mid);
			if (!entry)
				return tl::make_unexpected(entry.error());
			if (entry->key != folded)
				return fail(label_,
				            "record " + std::to_string(mid) + " holds another key");
			return std::optional<std::string>(std::move(entry->value));
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return std::optional<std::string>();
}

tl::expected<std::vector<table_entry>, std::string> sealed_table::entries() const
{
	std::vector<table_entry> all;
	all.reserve(header_.entry_count);
	for (std::size_t i = 0; i < header_.entry_count; ++i) {
		auto entry = open_record(i);
		if (!entry)
			return tl::make_unexpected(entry.error());
		all.push_back(std::move(*entry));
	}
	return all;
}

tl::expected<std::string, std::string> read_file_bytes(fs::path const &path)
{
	int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(path.string(), std::strerror(errno));
	struct stat st {};
	if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		::close(fd);
		return fail(path.string(), "not a regular file");
	}
	std::string bytes;
	char buffer[65536];
	for (;;) {
		ssize_t n = ::read(fd, buffer, sizeof buffer);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			std::string why = std::strerror(errno);
			::close(fd);
			return fail(path.string(), why);
		}
		if (n == 0)
			break;
		if (bytes.empty())
			bytes.reserve(static_cast<std::size_t>(st.st_size));
		bytes.append(buffer, static_cast<std::size_t>(n));
	}
	::close(fd);
	return bytes;
}

tl::expected<void, std::string> write_file_atomic(fs::path const &path, std::string_view bytes,
                                                  unsigned mode)
{
	fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
	std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
	int fd = ::mkostemp(temp.data(), O_CLOEXEC);
	if (fd < 0)
		return fail(path.string(),
		            std::string("cannot create a temporary file: ") + std::strerror(errno));
	bool ok = ::fchmod(fd, static_cast<mode_t>(mode)) == 0;
	std::size_t done = 0;
	while (ok && done < bytes.size()) {
		ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0;
		if (ok)
			done += static_cast<std::size_t>(n);
	}
	ok = ok && ::fsync(fd) == 0;
	std::string why = ok ? "" : std::strerror(errno);
	if (::close(fd) != 0 && ok) {
		ok = false;
		why = std::strerror(errno);
	}
	if (ok && ::rename(temp.c_str(), path.c_str()) != 0) {
		ok = false;
		why = std::strerror(errno);
	}
	if (!ok) {
		::unlink(temp.c_str());
		return fail(path.string(), "cannot write: " + why);
	}
	int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		::fsync(dfd);
		::close(dfd);
	}
	return {};
}

} // namespace blackbox
