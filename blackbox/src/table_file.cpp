#include "blackbox/table_file.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blackbox/table_source.hpp"

namespace blackbox {
namespace fs = std::filesystem;

namespace {

unsigned file_mode_or(fs::path const &path, unsigned fallback)
{
	struct stat st {};
	if (::stat(path.c_str(), &st) != 0)
		return fallback;
	return st.st_mode & 07777;
}

// Overwrites and empties a memfd, then closes it.
void wipe_and_close(int fd)
{
	struct stat st {};
	if (::fstat(fd, &st) == 0 && st.st_size > 0) {
		std::string zeros(static_cast<std::size_t>(st.st_size), '\0');
		(void)!::pwrite(fd, zeros.data(), zeros.size(), 0);
	}
	(void)!::ftruncate(fd, 0);
	::close(fd);
}

bool write_all(int fd, std::string_view text)
{
	while (!text.empty()) {
		ssize_t n = ::write(fd, text.data(), text.size());
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		text.remove_prefix(static_cast<std::size_t>(n));
	}
	return true;
}

std::string read_all(int fd)
{
	std::string text;
	char buffer[65536];
	::lseek(fd, 0, SEEK_SET);
	for (;;) {
		ssize_t n = ::read(fd, buffer, sizeof buffer);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		text.append(buffer, static_cast<std::size_t>(n));
	}
	::sodium_memzero(buffer, sizeof buffer);
	return text;
}

// Runs `editor` on `file` through /bin/sh, as git runs $EDITOR, and
// returns its wait status. Like system(), the caller ignores SIGINT and
// SIGQUIT while the editor owns the terminal.
int run_editor(std::string const &editor, std::string const &file)
{
	struct sigaction ignore {
	}, old_int{}, old_quit{};
	ignore.sa_handler = SIG_IGN;
	::sigaction(SIGINT, &ignore, &old_int);
	::sigaction(SIGQUIT, &ignore, &old_quit);
	pid_t pid = ::fork();
	if (pid == 0) {
		::sigaction(SIGINT, &old_int, nullptr);
		::sigaction(SIGQUIT, &old_quit, nullptr);
		std::string command = editor + " \"$1\"";
		::execl("/bin/sh", "sh", "-c", command.c_str(), "sh", file.c_str(),
		        static_cast<char *>(nullptr));
		::_exit(127);
	}
	int status = -1;
	while (pid > 0 && ::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	::sigaction(SIGINT, &old_int, nullptr);
	::sigaction(SIGQUIT, &old_quit, nullptr);
	return pid > 0 ? status : -1;
}

void wipe(std::string &s)
{
	::sodium_memzero(s.data(), s.size());
	s.clear();
}

void wipe(std::vector<table_entry> &entries)
{
	for (auto &e : entries) {
		wipe(e.key);
		wipe(e.value);
	}
	entries.clear();
}

} // namespace

std::uint64_t next_generation(fs::path const &path)
{
	auto bytes = read_file_bytes(path);
	if (!bytes)
		return 1;
	auto header = peek_header(*bytes);
	return header ? header->generation + 1 : 1;
}

tl::expected<table_header, std::string> seal_to_file(std::vector<table_entry> const &entries,
                                                     std::string const &name, fs::path const &path,
                                                     master_key const &key,
                                                     std::uint64_t generation)
{
	seal_options options;
	options.table_name = name;
	options.generation = generation != 0 ? generation : next_generation(path);
	auto bytes = seal_table(entries, key, options);
	if (!bytes)
		return tl::make_unexpected(path.string() + ": " + bytes.error());
	auto header = peek_header(*bytes);
	if (auto written = write_file_atomic(path, *bytes, file_mode_or(path, 0644)); !written)
		return tl::make_unexpected(written.error());
	return header;
}

tl::expected<table_header, std::string> rekey_file(fs::path const &path, master_key const &old_key,
                                                   master_key const &new_key)
{
	auto table = sealed_table::open_file(path, old_key);
	if (!table)
		return tl::make_unexpected(table.error());
	auto entries = (*table)->entries();
	if (!entries)
		return tl::make_unexpected(entries.error());
	auto header = seal_to_file(*entries, (*table)->header().name, path, new_key,
	                           (*table)->header().generation + 1);
	wipe(*entries);
	return header;
}

tl::expected<edit_result, std::string> edit_file(fs::path const &path, master_key const &key,
                                                 std::string const &editor)
{
	auto table = sealed_table::open_file(path, key);
	if (!table)
		return tl::make_unexpected(table.error());
	auto entries = (*table)->entries();
	if (!entries)
		return tl::make_unexpected(entries.error());
	std::string before = format_table_source(std::move(*entries));
	wipe(*entries);

	// Not close-on-exec: the editor opens it through /proc.
	int fd = ::memfd_create("blackbox-edit", 0);
	if (fd < 0) {
		wipe(before);
		return tl::make_unexpected(std::string("memfd_create: ") + std::strerror(errno));
	}
	bool written = write_all(fd, before);
	std::string proc_path = "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd);
	int status = written ? run_editor(editor, proc_path) : -1;
	std::string after = read_all(fd);
	wipe_and_close(fd);

	tl::expected<edit_result, std::string> result = edit_result::unchanged;
	if (!written) {
		result = tl::make_unexpected(std::string("cannot fill the edit buffer"));
	} else if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		result = tl::make_unexpected(path.string() +
		                             ": the editor failed; the table is unchanged");
	} else if (after != before) {
		auto edited = parse_table_source(after, "edited " + path.filename().string());
		if (!edited) {
			result = tl::make_unexpected(edited.error() + "; the table is unchanged");
		} else {
			auto sealed = seal_to_file(*edited, (*table)->header().name, path, key,
			                           (*table)->header().generation + 1);
			wipe(*edited);
			if (sealed)
				result = edit_result::resealed;
			else
				result = tl::make_unexpected(sealed.error());
		}
	}
	wipe(before);
	wipe(after);
	return result;
}

} // namespace blackbox
