// Client addresses for SPF: parsing, network matching and the textual
// forms the macros and PTR lookups need.
#include "1dtn/spf_record.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace dtn::spf {
namespace {

constexpr char hex_upper[] = "0123456789ABCDEF";
constexpr char hex_lower[] = "0123456789abcdef";

bool is_v4_mapped(address const &ip)
{
	static constexpr std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return ip.v6 && std::memcmp(ip.bytes.data(), prefix, sizeof prefix) == 0;
}

// One decimal octet: 1 to 3 digits, no leading zero, at most 255.
std::optional<std::uint8_t> parse_octet(std::string_view text)
{
	if (text.empty() || text.size() > 3 || (text.size() > 1 && text[0] == '0'))
		return std::nullopt;
	unsigned value = 0;
	for (char c : text) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + static_cast<unsigned>(c - '0');
	}
	if (value > 255)
		return std::nullopt;
	return static_cast<std::uint8_t>(value);
}

} // namespace

std::optional<address> parse_ip4(std::string_view text)
{
	address ip;
	for (int i = 0; i < 4; i++) {
		auto dot = text.find('.');
		bool last = i == 3;
		if (last != (dot == std::string_view::npos))
			return std::nullopt;
		auto octet = parse_octet(text.substr(0, dot));
		if (!octet)
			return std::nullopt;
		ip.bytes[static_cast<std::size_t>(i)] = *octet;
		if (!last)
			text.remove_prefix(dot + 1);
	}
	return ip;
}

std::optional<address> parse_ip6(std::string_view text)
{
	// inet_pton needs a terminated string; anything this long is no address.
	if (text.empty() || text.size() > 45)
		return std::nullopt;
	char buffer[46];
	std::memcpy(buffer, text.data(), text.size());
	buffer[text.size()] = '\0';
	address ip;
	ip.v6 = true;
	if (inet_pton(AF_INET6, buffer, ip.bytes.data()) != 1)
		return std::nullopt;
	return ip;
}

std::optional<address> parse_client_address(std::string_view text)
{
	if (auto v4 = parse_ip4(text))
		return v4;
	auto v6 = parse_ip6(text);
	if (v6 && is_v4_mapped(*v6)) {
		address v4;
		std::memcpy(v4.bytes.data(), v6->bytes.data() + 12, 4);
		return v4;
	}
	return v6;
}

bool in_network(address const &ip, address const &network, int prefix)
{
	if (ip.v6 != network.v6 || prefix < 0 || prefix > (ip.v6 ? 128 : 32))
		return false;
	auto whole = static_cast<std::size_t>(prefix / 8);
	if (std::memcmp(ip.bytes.data(), network.bytes.data(), whole) != 0)
		return false;
	int rest = prefix % 8;
	if (rest == 0)
		return true;
	auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
	return (ip.bytes[whole] & mask) == (network.bytes[whole] & mask);
}

std::string to_text(address const &ip)
{
	char buffer[INET6_ADDRSTRLEN] = {};
	inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buffer, sizeof buffer);
	return buffer;
}

std::string dotted_form(address const &ip)
{
	if (!ip.v6)
		return to_text(ip);
	std::string out;
	out.reserve(63);
	for (auto byte : ip.bytes) {
		for (int shift : {4, 0}) {
			if (!out.empty())
				out += '.';
			out += hex_upper[(byte >> shift) & 0xf];
		}
	}
	return out;
}

std::string reverse_name(address const &ip)
{
	std::string out;
	if (!ip.v6) {
		for (int i = 3; i >= 0; i--)
			out += std::to_string(ip.bytes[static_cast<std::size_t>(i)]) + '.';
		return out + "in-addr.arpa";
	}
	for (auto it = ip.bytes.rbegin(); it != ip.bytes.rend(); ++it) {
		out += hex_lower[*it & 0xf];
		out += '.';
		out += hex_lower[*it >> 4];
		out += '.';
	}
	return out + "ip6.arpa";
}

} // namespace dtn::spf
