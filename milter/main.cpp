// 1dall-milter: thin entry point. Parses the command line, loads the
// configuration and, for now, checks it (-n).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <libmilter/mfapi.h>

#include "settings.hpp"

namespace {

constexpr const char *default_config = "/etc/1dallmail/1dall-milter.conf";

void usage()
{
	std::cerr << "usage: 1dall-milter [-c config] [-n]\n";
}

} // namespace

int main(int argc, char **argv)
{
	std::string config_path = default_config;
	bool check_only = false;

	int opt = 0;
	while ((opt = getopt(argc, argv, "c:nh")) != -1) {
		switch (opt) {
		case 'c':
			config_path = optarg;
			break;
		case 'n':
			check_only = true;
			break;
		default:
			usage();
			return 64; // EX_USAGE
		}
	}

	std::ifstream in(config_path);
	if (!in) {
		std::cerr << "1dall-milter: cannot read " << config_path << "\n";
		return 78; // EX_CONFIG
	}
	std::stringstream text;
	text << in.rdbuf();
	auto parsed = milter::parse_settings(text.str(), config_path);
	if (!parsed) {
		std::cerr << "1dall-milter: " << parsed.error() << "\n";
		return 78;
	}
	if (check_only) {
		std::cout << config_path << ": configuration OK\n";
		return 0;
	}

	std::cerr << "1dall-milter: the filter is not implemented yet; use -n\n";
	return 69; // EX_UNAVAILABLE
}
