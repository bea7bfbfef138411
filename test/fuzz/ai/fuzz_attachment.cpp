// libFuzzer target: one attachment through type detection (libmagic and
// our sniffing), name checks and whichever inspector its bytes select.
// The first line of the input is the file name.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ai/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<char const *>(data), size);
	std::size_t eol = input.find('\n');
	ai::attachment att;
	if (eol != std::string_view::npos && eol < 256) {
		att.filename = std::string(input.substr(0, eol));
		input.remove_prefix(eol + 1);
	}
	ai::inspect_context ctx;
	ctx.limits.max_archive_expanded = 8 << 20;
	std::vector<ai::attachment> nested;
	ai::inspect_attachment(att, input, ctx, nested);
	return 0;
}
