// 1dall-milter: thin entry point. The command line, the daemon and the
// policy live in milter_core; this file picks the trust engine.
#include "cli.hpp"
#include "dtn_engine.hpp"

int main(int argc, char **argv)
{
	return milter::milter_main(argc, argv, milter::make_dtn_engine);
}
