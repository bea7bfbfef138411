// libFuzzer target: the PDF name scanner and object stream inflater.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ai/inspect.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	std::vector<ai::signal> findings;
	std::vector<std::string> urls;
	ai::inspect_pdf({reinterpret_cast<char const *>(data), size}, findings, &urls);
	return 0;
}
