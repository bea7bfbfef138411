#include <doctest/doctest.h>

#include <cstring>
#include <filesystem>

#include <sys/stat.h>
#include <unistd.h>

#include "blackbox/keys.hpp"
#include "lab.hpp"

using namespace blackbox;
namespace fs = std::filesystem;

TEST_CASE("crypto_init accepts this machine or explains why not")
{
	auto ready = crypto_init();
	if (!ready)
		CHECK(ready.error().find("AES") != std::string::npos);
	REQUIRE(ready); // the rest of the suite needs AES-NI
}

TEST_CASE("a generated key round-trips through a 0600 file")
{
	lab::temp_dir dir("bbx-keys");
	auto key = master_key::generate();
	REQUIRE(key);
	REQUIRE(key->save(dir / "master.key"));
	struct stat st {};
	REQUIRE(::stat((dir / "master.key").c_str(), &st) == 0);
	CHECK((st.st_mode & 0777) == 0600);
	CHECK(st.st_size == 32);

	auto loaded = master_key::load(dir / "master.key");
	REQUIRE(loaded);
	CHECK(loaded->id() == key->id());
	CHECK(std::memcmp(loaded->bytes(), key->bytes(), master_key_bytes) == 0);

	CHECK_FALSE(key->save(dir / "master.key")); // never overwrites
}

TEST_CASE("two generated keys differ, and so do their ids")
{
	auto a = master_key::generate();
	auto b = master_key::generate();
	REQUIRE(a);
	REQUIRE(b);
	CHECK(a->id() != b->id());
}

TEST_CASE("key files readable by group or others are refused")
{
	lab::temp_dir dir("bbx-keys");
	auto key = master_key::generate();
	REQUIRE(key->save(dir / "k"));
	for (mode_t mode : {0640, 0604, 0644, 0660, 0606, 0610, 0601}) {
		::chmod((dir / "k").c_str(), mode);
		auto r = master_key::load(dir / "k");
		REQUIRE_FALSE(r);
		CHECK(r.error().find("mode") != std::string::npos);
	}
	::chmod((dir / "k").c_str(), 0400);
	CHECK(master_key::load(dir / "k"));
}

TEST_CASE("a key file owned by another user is refused")
{
	lab::temp_dir dir("bbx-keys");
	auto key = master_key::generate();
	REQUIRE(key->save(dir / "k"));
	uid_t other = ::geteuid() == 65534 ? 0 : 65534;
	if (::geteuid() == 0) {
		REQUIRE(::chown((dir / "k").c_str(), other, static_cast<gid_t>(-1)) == 0);
		auto r = master_key::load(dir / "k");
		REQUIRE_FALSE(r);
		CHECK(r.error().find("owned by uid") != std::string::npos);
	} else {
		// Without root we cannot give a file away; a root-owned one
		// serves the same purpose.
		auto r = master_key::load("/etc/shadow");
		CHECK_FALSE(r);
	}
}

TEST_CASE("wrong sizes, symlinks and folders are refused as key files")
{
	lab::temp_dir dir("bbx-keys");
	lab::write_file(dir / "short", std::string(31, 'x'));
	::chmod((dir / "short").c_str(), 0600);
	auto r = master_key::load(dir / "short");
	REQUIRE_FALSE(r);
	CHECK(r.error().find("31 bytes") != std::string::npos);

	auto key = master_key::generate();
	REQUIRE(key->save(dir / "real"));
	fs::create_symlink(dir / "real", dir / "link");
	CHECK_FALSE(master_key::load(dir / "link"));
	CHECK_FALSE(master_key::load(dir.path()));
	CHECK_FALSE(master_key::load(dir / "missing"));
}

TEST_CASE("from_bytes insists on 32 bytes")
{
	unsigned char bytes[33] = {};
	CHECK_FALSE(master_key::from_bytes(bytes, 31));
	CHECK_FALSE(master_key::from_bytes(bytes, 33));
	CHECK(master_key::from_bytes(bytes, 32));
}
