// Feeds arbitrary bytes, in arbitrary pieces, to the socketmap request
// reader a blackboxd connection uses, then splits each request into map
// name and key. Checks what the server relies on: requests come out in
// order and within the limit, and garbage ends the stream with a reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "blackbox/socketmap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	constexpr std::size_t limit = 256;
	if (size == 0)
		return 0;
	// The first byte chooses how the rest is cut into reads.
	std::size_t piece = 1 + data[0] % 16;
	std::string_view input(reinterpret_cast<const char *>(data + 1), size - 1);

	blackbox::socketmap_reader reader(limit);
	std::size_t total_payload = 0;
	bool broken = false;
	for (std::size_t at = 0; at < input.size() && !broken; at += piece) {
		reader.feed(input.substr(at, piece));
		for (;;) {
			auto r = reader.next();
			if (r.state == blackbox::socketmap_reader::status::need_more)
				break;
			if (r.state == blackbox::socketmap_reader::status::malformed) {
				if (r.error.empty())
					std::abort();
				broken = true;
				break;
			}
			if (r.payload.size() > limit)
				std::abort();
			total_payload += r.payload.size();
			auto request = blackbox::parse_socketmap_request(r.payload);
			if (request) {
				if (request->name.empty() ||
				    request->name.size() + 1 + request->key.size() !=
				            r.payload.size())
					std::abort();
				if (request->name.find(' ') != std::string_view::npos)
					std::abort();
			} else if (request.error().empty()) {
				std::abort();
			}
		}
	}
	if (total_payload > input.size())
		std::abort();
	return 0;
}
