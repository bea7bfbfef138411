#include <doctest/doctest.h>

#include <filesystem>

#include "blackbox/table_file.hpp"
#include "blackbox/table_source.hpp"
#include "lab.hpp"

using namespace blackbox;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> folder_entries(fs::path const &dir)
{
	std::vector<std::string> names;
	for (auto const &e : fs::directory_iterator(dir))
		names.push_back(e.path().filename().string());
	return names;
}

struct fixture {
	lab::temp_dir dir{"bbx-file"};
	master_key key = *master_key::generate();
	fs::path table = dir / "virtual.bbx";

	fixture()
	{
		auto sealed =
		        seal_to_file({{"a@example.test", "b@example.test"}}, "virtual", table, key);
		REQUIRE(sealed);
	}

	std::uint64_t generation() const
	{
		auto t = sealed_table::open_file(table, key);
		REQUIRE(t);
		return (*t)->header().generation;
	}
};

} // namespace

TEST_CASE("sealing over an existing file raises the generation and keeps its mode")
{
	fixture f;
	CHECK(f.generation() == 1);
	fs::permissions(f.table,
	                fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
	REQUIRE(seal_to_file({{"x", "y"}}, "virtual", f.table, f.key));
	CHECK(f.generation() == 2);
	CHECK(fs::status(f.table).permissions() ==
	      (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
	CHECK(folder_entries(f.dir.path()).size() == 1); // no temporary left
}

TEST_CASE("edit re-seals what the editor wrote, with the next generation")
{
	fixture f;
	auto r = edit_file(f.table, f.key,
	                   "sh -c 'echo \"c@example.test d@example.test\" >> \"$0\"'");
	REQUIRE(r);
	CHECK(*r == edit_result::resealed);
	CHECK(f.generation() == 2);
	auto t = sealed_table::open_file(f.table, f.key);
	auto v = (*t)->lookup("c@example.test");
	REQUIRE(v);
	REQUIRE(v->has_value());
	CHECK(**v == "d@example.test");
	CHECK(folder_entries(f.dir.path()).size() == 1);
}

TEST_CASE("edit leaves the table alone when nothing changed")
{
	fixture f;
	auto r = edit_file(f.table, f.key, "true");
	REQUIRE(r);
	CHECK(*r == edit_result::unchanged);
	CHECK(f.generation() == 1);
}

TEST_CASE("a failing, killed or invalid edit changes nothing and leaves no plaintext")
{
	fixture f;
	std::string before = lab::read_file(f.table);
	for (char const *editor : {"sh -c 'echo \"e f\" >> \"$0\"; exit 3'",
	                           "sh -c 'echo \"e f\" >> \"$0\"; kill -9 $$'",
	                           "sh -c 'echo lonely-key >> \"$0\"'", "/nonexistent/editor"}) {
		auto r = edit_file(f.table, f.key, editor);
		CHECK_FALSE_MESSAGE(r, editor);
		if (!r)
			CHECK(r.error().find("unchanged") != std::string::npos);
		CHECK(lab::read_file(f.table) == before);
		CHECK(folder_entries(f.dir.path()).size() == 1);
	}
	// No plaintext anywhere in the folder.
	CHECK(lab::read_file(f.table).find("example.test") == std::string::npos);
}

TEST_CASE("the editor sees the decrypted source through memory-backed storage")
{
	fixture f;
	lab::temp_dir out("bbx-peek");
	std::string editor = "sh -c 'readlink \"$0\" > " + (out / "link").string() +
	                     "; cat \"$0\" > " + (out / "copy").string() + "'";
	REQUIRE(edit_file(f.table, f.key, editor));
	CHECK(lab::read_file(out / "copy") == "a@example.test b@example.test\n");
	CHECK(lab::read_file(out / "link").rfind("/memfd:blackbox-edit", 0) == 0);
}

TEST_CASE("rekey re-seals under the new key id and the old key no longer opens it")
{
	fixture f;
	auto new_key = *master_key::generate();
	auto h = rekey_file(f.table, f.key, new_key);
	REQUIRE(h);
	CHECK(h->key_id == new_key.id());
	CHECK(h->generation == 2);
	auto old_open = sealed_table::open_file(f.table, f.key);
	REQUIRE_FALSE(old_open);
	CHECK(old_open.error().find("wrong key") != std::string::npos);
	auto t = sealed_table::open_file(f.table, new_key);
	REQUIRE(t);
	auto v = (*t)->lookup("a@example.test");
	REQUIRE(v);
	CHECK(v->value_or("") == "b@example.test");
}
