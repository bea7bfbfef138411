// The command line of 1dall-milter(8), shared by the real program and
// the test daemon (which differ only in the trust engine they plug in).
#pragma once

#include "daemon.hpp"

namespace milter {

constexpr const char *default_config_path = "/etc/1dallmail/1dall-milter.conf";

// Parses -c -f -n -V -h, loads the configuration and runs the daemon.
// Returns the process exit code (sysexits.h values on errors).
int milter_main(int argc, char **argv, engine_factory make_engine);

} // namespace milter
