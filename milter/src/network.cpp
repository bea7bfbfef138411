#include "network.hpp"

#include <charconv>
#include <cstring>

#include <arpa/inet.h>

namespace milter {

std::optional<ip_bytes> parse_ip(std::string_view text)
{
	if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
		text = text.substr(1, text.size() - 2);
	if (text.starts_with("IPv6:") || text.starts_with("ipv6:"))
		text = text.substr(5);
	if (text.empty() || text.size() > INET6_ADDRSTRLEN)
		return std::nullopt;
	std::string copy(text);
	ip_bytes bytes{};
	in_addr v4{};
	if (inet_pton(AF_INET, copy.c_str(), &v4) == 1) {
		bytes[10] = 0xff;
		bytes[11] = 0xff;
		std::memcpy(bytes.data() + 12, &v4, 4);
		return bytes;
	}
	in6_addr v6{};
	if (inet_pton(AF_INET6, copy.c_str(), &v6) == 1) {
		std::memcpy(bytes.data(), &v6, 16);
		return bytes;
	}
	return std::nullopt;
}

bool network::contains(ip_bytes const &address) const
{
	int full = prefix / 8;
	if (std::memcmp(base.data(), address.data(), static_cast<std::size_t>(full)) != 0)
		return false;
	int rest = prefix % 8;
	if (rest == 0)
		return true;
	auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
	return (base[static_cast<std::size_t>(full)] & mask) ==
	       (address[static_cast<std::size_t>(full)] & mask);
}

tl::expected<network, std::string> parse_network(std::string_view text)
{
	auto slash = text.find('/');
	auto address = parse_ip(text.substr(0, slash));
	if (!address)
		return tl::unexpected("'" + std::string(text) + "' is not an address or network");
	bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
	int bits = v4 ? 32 : 128;
	if (slash != std::string_view::npos) {
		auto digits = text.substr(slash + 1);
		auto [end, ec] =
		        std::from_chars(digits.data(), digits.data() + digits.size(), bits);
		if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() ||
		    bits < 0 || bits > (v4 ? 32 : 128))
			return tl::unexpected("'" + std::string(text) +
			                      "' has a bad prefix length");
	}
	network net;
	net.prefix = v4 ? bits + 96 : bits;
	net.base = *address;
	// Clear host bits so that "192.0.2.1/24" means the whole /24.
	for (int bit = net.prefix; bit < 128; ++bit)
		net.base[static_cast<std::size_t>(bit / 8)] &=
		        static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
	return net;
}

} // namespace milter
