#include "blackbox/netstring.hpp"

namespace blackbox {
namespace {

// Longest length prefix we accept: enough for any sane limit, and short
// enough that the running value cannot overflow size_t.
constexpr std::size_t max_length_digits = 9;

netstring_result malformed(const char *why)
{
	return {netstring_status::malformed, 0, {}, why};
}

netstring_result incomplete()
{
	return {netstring_status::incomplete, 0, {}, nullptr};
}

} // namespace

netstring_result netstring_parse(std::string_view input, std::size_t max_payload)
{
	std::size_t length = 0;
	std::size_t pos = 0;

	while (pos < input.size() && input[pos] >= '0' && input[pos] <= '9') {
		if (pos == max_length_digits)
			return malformed("length prefix too long");
		if (pos == 1 && input[0] == '0')
			return malformed("length has a leading zero");
		length = length * 10 + static_cast<std::size_t>(input[pos] - '0');
		++pos;
	}

	if (pos == input.size())
		return incomplete();
	if (pos == 0)
		return malformed("netstring does not start with a length");
	if (input[pos] != ':')
		return malformed("length not followed by ':'");
	if (length > max_payload)
		return malformed("netstring longer than the request limit");

	std::size_t payload_start = pos + 1;
	std::size_t comma = payload_start + length;
	if (input.size() <= comma)
		return incomplete();
	if (input[comma] != ',')
		return malformed("payload not followed by ','");

	return {netstring_status::complete, comma + 1, input.substr(payload_start, length),
	        nullptr};
}

std::string netstring_encode(std::string_view payload)
{
	std::string framed = std::to_string(payload.size());
	framed.reserve(framed.size() + payload.size() + 2);
	framed += ':';
	framed += payload;
	framed += ',';
	return framed;
}

} // namespace blackbox
