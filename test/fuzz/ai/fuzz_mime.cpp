// libFuzzer target: the whole MIME walk, attachments included.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ai/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	ai::parse_limits limits;
	limits.max_archive_expanded = 8 << 20; // keep each run short
	ai::parse_message({reinterpret_cast<char const *>(data), size}, limits);
	return 0;
}
