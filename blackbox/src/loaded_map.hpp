// One configured map of the server and the table it currently serves;
// shared by the event loop (server.cpp) and the loading code
// (server_maps.cpp).
#pragma once

#include <memory>
#include <string>

#include "blackbox/server.hpp"

namespace blackbox {

struct server::loaded_map {
	map_config config;
	std::shared_ptr<sealed_table const> table; // null until loaded once
	file_identity identity;                    // of the loaded copy
	file_identity failed;                      // last copy that failed
	std::string last_error;
};

} // namespace blackbox
