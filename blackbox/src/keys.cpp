#include "blackbox/keys.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

namespace blackbox {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view derive_label = "1DALLMAIL blackbox v1 ";

std::string errno_text()
{
	return std::strerror(errno);
}

// BLAKE2b-256 keyed with the master key over a label naming the purpose.
void derive(master_key const &master, std::string_view purpose, std::string_view table,
            unsigned char *out)
{
	crypto_generichash_state state;
	crypto_generichash_init(&state, master.bytes(), master_key_bytes, 32);
	auto feed = [&](std::string_view part) {
		crypto_generichash_update(
		        &state, reinterpret_cast<unsigned char const *>(part.data()), part.size());
	};
	feed(derive_label);
	feed(purpose);
	feed(std::string_view("\0", 1));
	feed(table);
	crypto_generichash_final(&state, out, 32);
	sodium_memzero(&state, sizeof state);
}

std::string mode_text(mode_t mode)
{
	char text[8];
	std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
	return text;
}

// The checks ssh applies to private keys, on the opened file.
tl::expected<void, std::string> check_key_file(int fd, fs::path const &path)
{
	struct stat st {};
	if (::fstat(fd, &st) != 0)
		return tl::make_unexpected("key file " + path.string() + ": " + errno_text());
	if (!S_ISREG(st.st_mode))
		return tl::make_unexpected("key file " + path.string() + " is not a regular file");
	if (st.st_uid != ::geteuid())
		return tl::make_unexpected("key file " + path.string() + " is owned by uid " +
		                           std::to_string(st.st_uid) + ", not by uid " +
		                           std::to_string(::geteuid()) + " who reads it");
	if ((st.st_mode & 077) != 0)
		return tl::make_unexpected("key file " + path.string() + " has mode " +
		                           mode_text(st.st_mode) +
		                           ": group and others must have no access (chmod 600)");
	if (st.st_size != static_cast<off_t>(master_key_bytes))
		return tl::make_unexpected("key file " + path.string() + " holds " +
		                           std::to_string(st.st_size) + " bytes, not " +
		                           std::to_string(master_key_bytes));
	return {};
}

bool read_exact(int fd, unsigned char *out, std::size_t size)
{
	std::size_t done = 0;
	while (done < size) {
		ssize_t n = ::read(fd, out + done, size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += static_cast<std::size_t>(n);
	}
	return true;
}

} // namespace

tl::expected<void, std::string> crypto_init()
{
	if (::sodium_init() < 0)
		return tl::make_unexpected(std::string("libsodium failed to initialise"));
	if (::crypto_aead_aes256gcm_is_available() == 0)
		return tl::make_unexpected(
		        std::string("this CPU has no hardware AES-256-GCM (AES-NI and PCLMUL): "
		                    "libsodium refuses software AES-GCM, so sealed tables cannot "
		                    "be used here"));
	return {};
}

secret_bytes::secret_bytes(std::size_t size) : size_(size)
{
	data_ = static_cast<unsigned char *>(::sodium_malloc(size));
	if (data_ == nullptr)
		throw std::bad_alloc();
	::sodium_mlock(data_, size);
}

secret_bytes::~secret_bytes()
{
	::sodium_free(data_); // wipes and unlocks
}

master_key::master_key(std::shared_ptr<secret_bytes> secret) : secret_(std::move(secret))
{
	unsigned char digest[32];
	constexpr std::string_view label = "1DALLMAIL blackbox v1 key-id";
	crypto_generichash(digest, sizeof digest,
	                   reinterpret_cast<unsigned char const *>(label.data()), label.size(),
	                   secret_->data(), master_key_bytes);
	for (int i = 0; i < 8; ++i)
		id_ = (id_ << 8) | digest[i];
}

tl::expected<master_key, std::string> master_key::load(fs::path const &path)
{
	if (auto ready = crypto_init(); !ready)
		return tl::make_unexpected(ready.error());
	int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return tl::make_unexpected("key file " + path.string() + ": " + errno_text());
	auto checked = check_key_file(fd, path);
	if (!checked) {
		::close(fd);
		return tl::make_unexpected(checked.error());
	}
	auto secret = std::make_shared<secret_bytes>(master_key_bytes);
	bool ok = read_exact(fd, secret->data(), master_key_bytes);
	::close(fd);
	if (!ok)
		return tl::make_unexpected("key file " + path.string() + ": short read");
	return master_key(std::move(secret));
}

tl::expected<master_key, std::string> master_key::generate()
{
	if (auto ready = crypto_init(); !ready)
		return tl::make_unexpected(ready.error());
	auto secret = std::make_shared<secret_bytes>(master_key_bytes);
	::randombytes_buf(secret->data(), master_key_bytes);
	return master_key(std::move(secret));
}

tl::expected<master_key, std::string> master_key::from_bytes(unsigned char const *bytes,
                                                             std::size_t size)
{
	if (auto ready = crypto_init(); !ready)
		return tl::make_unexpected(ready.error());
	if (size != master_key_bytes)
		return tl::make_unexpected("a master key is " + std::to_string(master_key_bytes) +
		                           " bytes, not " + std::to_string(size));
	auto secret = std::make_shared<secret_bytes>(master_key_bytes);
	std::memcpy(secret->data(), bytes, size);
	return master_key(std::move(secret));
}

tl::expected<void, std::string> master_key::save(fs::path const &path) const
{
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return tl::make_unexpected("cannot create key file " + path.string() + ": " +
		                           errno_text());
	bool ok =
	        ::fchmod(fd, 0600) == 0 &&
	        ::write(fd, bytes(), master_key_bytes) == static_cast<ssize_t>(master_key_bytes) &&
	        ::fsync(fd) == 0;
	std::string why = ok ? "" : errno_text();
	if (::close(fd) != 0 && ok) {
		ok = false;
		why = errno_text();
	}
	if (!ok) {
		::unlink(path.c_str());
		return tl::make_unexpected("cannot write key file " + path.string() + ": " + why);
	}
	return {};
}

std::string key_id_hex(std::uint64_t id)
{
	char text[17];
	std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
	return text;
}

table_keys::table_keys(master_key const &master, std::string_view table_name)
    : keys_(std::make_shared<secret_bytes>(96))
{
	derive(master, "value", table_name, keys_->data());
	derive(master, "index", table_name, keys_->data() + 32);
	derive(master, "file", table_name, keys_->data() + 64);
}

} // namespace blackbox
