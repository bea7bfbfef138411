// The production trust engine: lib1dtn's trust_checker on the
// validating libunbound resolver, configured from 1dall-milter.conf.
#pragma once

#include "daemon.hpp"

namespace milter {

tl::expected<std::shared_ptr<trust_engine>, std::string> make_dtn_engine(config const &cfg);

} // namespace milter
