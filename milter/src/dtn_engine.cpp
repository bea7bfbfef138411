#include "dtn_engine.hpp"

namespace milter {

tl::expected<std::shared_ptr<trust_engine>, std::string> make_dtn_engine(config const &)
{
	return tl::unexpected(std::string(
	        "this build has no 1DTN trust checker yet (lib1dtn's trust_checker is missing)"));
}

} // namespace milter
