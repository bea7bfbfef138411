// 1dall-milter with the fake trust engine: rules from the file named by
// $ONEDALL_FAKE_TRUST, read again at every reload.
#include <cstdlib>

#include "cli.hpp"
#include "fake_engine.hpp"

int main(int argc, char **argv)
{
	return milter::milter_main(
	        argc, argv,
	        [](milter::config const &)
	                -> tl::expected<std::shared_ptr<milter::trust_engine>, std::string> {
		        const char *path = std::getenv("ONEDALL_FAKE_TRUST");
		        auto engine = std::make_shared<fake::engine>();
		        if (path == nullptr || !engine->load(path))
			        return tl::unexpected(
			                std::string("cannot read $ONEDALL_FAKE_TRUST"));
		        return engine;
	        });
}
