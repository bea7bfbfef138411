// libFuzzer target: the archive inspector (libarchive and our walk over
// it), with the message text offering a password.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ai/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	ai::inspect_context ctx;
	ctx.limits.max_archive_expanded = 8 << 20;
	ctx.message_text = "Password: infected";
	ai::attachment att;
	att.filename = "fuzz.zip";
	std::vector<ai::attachment> nested;
	ai::inspect_archive(att, {reinterpret_cast<char const *>(data), size}, ctx, nested);
	return 0;
}
