// Feeds arbitrary bytes to the socketmap netstring reader and checks the
// invariants a server relies on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "blackbox/netstring.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	auto r = blackbox::netstring_parse(input, 1024);

	if (r.status == blackbox::netstring_status::complete) {
		if (r.consumed > size || r.payload.size() > 1024)
			std::abort();
		// What was read must encode back to exactly the bytes consumed.
		if (blackbox::netstring_encode(r.payload) != input.substr(0, r.consumed))
			std::abort();
	}
	if (r.status == blackbox::netstring_status::malformed && r.error == nullptr)
		std::abort();
	return 0;
}
