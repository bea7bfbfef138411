// Archives written at test time with libarchive's writer.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fixtures {

struct archive_file {
	std::string name;
	std::string data;
};

// A zip (or another format libarchive writes: "7zip", "ustar"...) of
// `files`, encrypted with traditional PKWARE zip crypto when
// `password` is given.
inline std::string make_archive(std::vector<archive_file> const &files, char const *format = "zip",
                                char const *password = nullptr)
{
	std::vector<char> buffer(64 << 20);
	std::size_t used = 0;
	struct archive *a = archive_write_new();
	archive_write_set_format_by_name(a, format);
	if (password) {
		archive_write_set_options(a, "zip:encryption=zipcrypt");
		archive_write_set_passphrase(a, password);
	}
	if (archive_write_open_memory(a, buffer.data(), buffer.size(), &used) != ARCHIVE_OK)
		throw std::runtime_error(archive_error_string(a));
	for (auto const &f : files) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, f.name.c_str());
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, static_cast<la_int64_t>(f.data.size()));
		archive_write_header(a, e);
		archive_write_data(a, f.data.data(), f.data.size());
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return std::string(buffer.data(), used);
}

} // namespace fixtures
