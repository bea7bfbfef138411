#include "cli.hpp"

#include <iostream>

#include <unistd.h>

namespace milter {
namespace {

constexpr int ex_usage = 64;
constexpr int ex_config = 78;

void usage()
{
	std::cerr << "usage: 1dall-milter [-fnV] [-c config]\n";
}

std::string host_name()
{
	char name[256] = {};
	if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
		return "localhost";
	return name;
}

} // namespace

int milter_main(int argc, char **argv, engine_factory make_engine)
{
	daemon_options options;
	options.config_path = default_config_path;
	options.host_name = host_name();
	options.make_engine = std::move(make_engine);
	bool check_only = false;

	int opt = 0;
	while ((opt = getopt(argc, argv, "c:fnVh")) != -1) {
		switch (opt) {
		case 'c':
			options.config_path = optarg;
			break;
		case 'f':
			options.foreground = true;
			break;
		case 'n':
			check_only = true;
			break;
		case 'V':
			std::cout << "1dall-milter " << ONEDALL_VERSION << "\n";
			return 0;
		default:
			usage();
			return ex_usage;
		}
	}
	if (optind != argc) {
		usage();
		return ex_usage;
	}

	auto cfg = load_config(options.config_path, options.host_name);
	if (!cfg) {
		std::cerr << "1dall-milter: " << cfg.error() << "\n";
		return ex_config;
	}
	if (check_only) {
		std::cout << describe_settings((*cfg)->source);
		std::cout << "# " << options.config_path.string() << ": configuration OK\n";
		return 0;
	}
	return run_daemon(options, *cfg);
}

} // namespace milter
