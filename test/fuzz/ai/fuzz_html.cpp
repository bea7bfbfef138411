// libFuzzer target: HTML attachment inspection, link and text
// extraction.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "ai/html.hpp"
#include "ai/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<char const *>(data), size);
	std::vector<ai::signal> findings;
	ai::inspect_html(input, findings);
	ai::html_links(input);
	ai::text_links(input);
	ai::html_visible_text(input);
	return 0;
}
