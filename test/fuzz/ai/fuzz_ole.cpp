// libFuzzer target: the OLE compound file directory reader.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ai/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	std::vector<ai::signal> findings;
	ai::inspect_ole({reinterpret_cast<char const *>(data), size}, findings);
	return 0;
}
