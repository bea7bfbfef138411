// Client networks (TrustedNetworks): an address with a prefix length,
// IPv4 or IPv6, and the test whether a client address lies inside.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace milter {

// An IP address in 16 bytes; IPv4 is kept as an IPv4-mapped IPv6
// address so one comparison serves both families.
using ip_bytes = std::array<std::uint8_t, 16>;

std::optional<ip_bytes> parse_ip(std::string_view text);

struct network {
	ip_bytes base{};
	int prefix = 128; // in IPv6 bits (IPv4 prefixes are stored + 96)

	bool contains(ip_bytes const &address) const;
};

// "192.0.2.0/24", "2001:db8::/32", or a single address.
tl::expected<network, std::string> parse_network(std::string_view text);

} // namespace milter
