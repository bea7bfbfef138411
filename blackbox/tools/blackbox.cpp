// blackbox(1): seal, query, list, edit and rekey sealed Postfix tables,
// and make master keys. The work is done in the blackbox library.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <getopt.h>
#include <unistd.h>

#include "blackbox/keys.hpp"
#include "blackbox/sealed_table.hpp"
#include "blackbox/table_file.hpp"
#include "blackbox/table_source.hpp"

namespace {
namespace fs = std::filesystem;
using namespace blackbox;

constexpr char default_key_file[] = "/etc/blackbox/master.key";

struct options {
	std::string key_file;
	std::uint64_t generation = 0;
	bool show_values = false;
	std::vector<std::string> args;
};

int usage()
{
	std::fputs("usage: blackbox [-k keyfile] seal [-g generation] NAME [INPUT]\n"
	           "       blackbox [-k keyfile] query FILE KEY\n"
	           "       blackbox [-k keyfile] list [-v] FILE\n"
	           "       blackbox [-k keyfile] edit FILE\n"
	           "       blackbox keygen KEYFILE\n"
	           "       blackbox -k OLDKEY rekey NEWKEY FILE...\n",
	           stderr);
	return 2;
}

int fail(std::string const &why)
{
	std::fprintf(stderr, "blackbox: %s\n", why.c_str());
	return 2;
}

tl::expected<master_key, std::string> load_key(options const &opt)
{
	std::string path = opt.key_file;
	if (path.empty()) {
		char const *env = std::getenv("BLACKBOX_KEY");
		path = env != nullptr && *env != '\0' ? env : default_key_file;
	}
	return master_key::load(path);
}

tl::expected<std::string, std::string> read_input(std::string const &input)
{
	if (input == "-") {
		std::string text((std::istreambuf_iterator<char>(std::cin)),
		                 std::istreambuf_iterator<char>());
		return text;
	}
	return read_file_bytes(input);
}

int cmd_seal(options const &opt)
{
	if (opt.args.empty() || opt.args.size() > 2)
		return usage();
	fs::path name = opt.args[0];
	std::string input = opt.args.size() == 2 ? opt.args[1] : "-";
	auto key = load_key(opt);
	if (!key)
		return fail(key.error());
	auto text = read_input(input);
	if (!text)
		return fail(text.error());
	auto entries = parse_table_source(*text, input == "-" ? "stdin" : input);
	if (!entries)
		return fail(entries.error());
	fs::path output = name.string() + ".bbx";
	auto header =
	        seal_to_file(*entries, name.filename().string(), output, *key, opt.generation);
	if (!header)
		return fail(header.error());
	std::printf("%s: table %s, generation %llu, %llu entries\n", output.c_str(),
	            header->name.c_str(), static_cast<unsigned long long>(header->generation),
	            static_cast<unsigned long long>(header->entry_count));
	return 0;
}

int cmd_query(options const &opt)
{
	if (opt.args.size() != 2)
		return usage();
	auto key = load_key(opt);
	if (!key)
		return fail(key.error());
	auto table = sealed_table::open_file(opt.args[0], *key);
	if (!table)
		return fail(table.error());
	auto value = (*table)->lookup(opt.args[1]);
	if (!value)
		return fail(value.error());
	if (!*value)
		return 1;
	std::printf("%s\n", (*value)->c_str());
	return 0;
}

std::string time_text(std::uint64_t seconds)
{
	std::time_t t = static_cast<std::time_t>(seconds);
	std::tm tm{};
	char text[64];
	::gmtime_r(&t, &tm);
	std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return text;
}

int cmd_list(options const &opt)
{
	if (opt.args.size() != 1)
		return usage();
	auto key = load_key(opt);
	if (!key)
		return fail(key.error());
	auto table = sealed_table::open_file(opt.args[0], *key);
	if (!table)
		return fail(table.error());
	auto const &h = (*table)->header();
	std::printf("file: %s\ntable: %s\nformat: %u\nkey id: %s\ngeneration: %llu\n"
	            "entries: %llu\nsealed: %s\nsize: %zu\n",
	            opt.args[0].c_str(), h.name.c_str(), h.version, key_id_hex(h.key_id).c_str(),
	            static_cast<unsigned long long>(h.generation),
	            static_cast<unsigned long long>(h.entry_count), time_text(h.sealed_at).c_str(),
	            (*table)->file_size());
	if (!opt.show_values)
		return 0;
	auto entries = (*table)->entries();
	if (!entries)
		return fail(entries.error());
	std::printf("\n%s", format_table_source(std::move(*entries)).c_str());
	return 0;
}

int cmd_edit(options const &opt)
{
	if (opt.args.size() != 1)
		return usage();
	auto key = load_key(opt);
	if (!key)
		return fail(key.error());
	std::string editor = "vi";
	for (char const *var : {"VISUAL", "EDITOR"}) {
		char const *value = std::getenv(var);
		if (value != nullptr && *value != '\0') {
			editor = value;
			break;
		}
	}
	auto result = edit_file(opt.args[0], *key, editor);
	if (!result)
		return fail(result.error());
	std::printf("%s: %s\n", opt.args[0].c_str(),
	            *result == edit_result::resealed ? "re-sealed" : "no changes");
	return 0;
}

int cmd_keygen(options const &opt)
{
	if (opt.args.size() > 1 || (opt.args.empty() && opt.key_file.empty()))
		return usage();
	std::string path = opt.args.empty() ? opt.key_file : opt.args[0];
	auto key = master_key::generate();
	if (!key)
		return fail(key.error());
	if (auto saved = key->save(path); !saved)
		return fail(saved.error());
	std::printf("%s: key id %s\n", path.c_str(), key_id_hex(key->id()).c_str());
	return 0;
}

int cmd_rekey(options const &opt)
{
	if (opt.args.size() < 2)
		return usage();
	auto old_key = load_key(opt);
	if (!old_key)
		return fail(old_key.error());
	auto new_key = master_key::load(opt.args[0]);
	if (!new_key)
		return fail(new_key.error());
	int status = 0;
	for (std::size_t i = 1; i < opt.args.size(); ++i) {
		auto header = rekey_file(opt.args[i], *old_key, *new_key);
		if (!header) {
			status = fail(header.error());
			continue;
		}
		std::printf("%s: key id %s, generation %llu\n", opt.args[i].c_str(),
		            key_id_hex(header->key_id).c_str(),
		            static_cast<unsigned long long>(header->generation));
	}
	return status;
}

} // namespace

int main(int argc, char **argv)
{
	options opt;
	int c = 0;
	while ((c = ::getopt(argc, argv, "k:g:vh")) != -1) {
		switch (c) {
		case 'k':
			opt.key_file = optarg;
			break;
		case 'g':
			opt.generation = std::strtoull(optarg, nullptr, 10);
			if (opt.generation == 0)
				return fail("-g needs a generation above 0");
			break;
		case 'v':
			opt.show_values = true;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();
	std::string command = argv[optind];
	opt.args.assign(argv + optind + 1, argv + argc);

	if (auto ready = crypto_init(); !ready)
		return fail(ready.error());
	if (command == "seal")
		return cmd_seal(opt);
	if (command == "query")
		return cmd_query(opt);
	if (command == "list")
		return cmd_list(opt);
	if (command == "edit")
		return cmd_edit(opt);
	if (command == "keygen")
		return cmd_keygen(opt);
	if (command == "rekey")
		return cmd_rekey(opt);
	return usage();
}
