// The layers under spf_check(): client addresses, the SPF record parser
// and the macro expander of RFC 7208. Public so that the unit tests and
// the fuzz targets can reach them; the milter only needs 1dtn/spf.hpp.
// Nothing here throws on bad input: syntax problems come back as
// tl::unexpected with a message naming the offending part.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace dtn::spf {

// An IPv4 or IPv6 address, in network byte order (IPv4 uses bytes 0-3).
struct address {
	bool v6 = false;
	std::array<std::uint8_t, 16> bytes{};
};

// A client address as SPF sees it: an IPv4-mapped IPv6 address
// (::ffff:192.0.2.1) is the IPv4 address (RFC 7208 section 5).
std::optional<address> parse_client_address(std::string_view text);
// The ip4-network of the grammar: a dotted quad without leading zeros.
std::optional<address> parse_ip4(std::string_view text);
// The ip6-network of the grammar (any RFC 4291 text form).
std::optional<address> parse_ip6(std::string_view text);

// True when the first `prefix` bits of `ip` and `network` agree and both
// are of the same family.
bool in_network(address const &ip, address const &network, int prefix);

// "192.0.2.1" or "2001:db8::1" (RFC 5952): the %{c} macro.
std::string to_text(address const &ip);
// "192.0.2.1" or the 32 dot-separated nibbles: the %{i} macro.
std::string dotted_form(address const &ip);
// The in-addr.arpa or ip6.arpa name that holds the PTR records of `ip`.
std::string reverse_name(address const &ip);

enum class qualifier { pass, fail, softfail, neutral };
enum class mechanism_kind { all, include, a, mx, ptr, ip4, ip6, exists };

struct mechanism {
	qualifier qual = qualifier::pass;
	mechanism_kind kind = mechanism_kind::all;
	std::string domain_spec; // unexpanded; empty when the term names none
	address network;         // ip4 and ip6 only
	int cidr4 = 32;          // ip4, a, mx
	int cidr6 = 128;         // ip6, a, mx
	std::string text;        // the term as written, for reasons and logs
};

// A parsed "v=spf1" record. Unknown modifiers are checked and dropped.
struct record {
	std::vector<mechanism> mechanisms;
	std::optional<std::string> redirect; // domain-spec, unexpanded
	std::optional<std::string> exp;      // domain-spec, unexpanded
};

// True when a TXT string is an SPF version 1 record: "v=spf1" (any case)
// followed by a space or the end (RFC 7208 section 4.5).
bool is_spf_record(std::string_view txt);

// Parses a whole record, version tag included. Every term is checked
// before any is evaluated, so a syntax error anywhere is a permerror.
tl::expected<record, std::string> parse_record(std::string_view text);

// Where a macro-string is used: the letters c, r and t are allowed only
// in explanation text (RFC 7208 section 7.1).
enum class macro_use { domain, explanation };

// Checks macro syntax only (every '%' starts a valid macro-expand).
tl::expected<void, std::string> check_macro_string(std::string_view text, macro_use use);
// Checks a domain-spec: visible ASCII, valid macros, and an ending that is
// a macro or "." toplabel ["."] (RFC 7208 section 7.1).
tl::expected<void, std::string> check_domain_spec(std::string_view spec);

// The values macros expand to.
struct macro_values {
	std::string sender;        // %{s}: local-part@domain
	std::string local_part;    // %{l}
	std::string sender_domain; // %{o}
	std::string domain;        // %{d}: the domain being checked
	std::string helo;          // %{h}
	std::string receiver;      // %{r}
	address client;            // %{i}, %{c}, %{v}
	std::int64_t now = 0;      // %{t}
	// %{p}: called at most once per expansion that needs it; unset means
	// "unknown". It may query DNS, so it is computed only on demand.
	std::function<std::string()> validated_name;
};

tl::expected<std::string, std::string> expand_macros(std::string_view text,
                                                     macro_values const &values, macro_use use);

// Turns an expanded domain-spec into a query name: one trailing dot
// removed, then whole labels removed from the left until the name fits
// in 253 characters (RFC 7208 section 7.3).
std::string query_name(std::string_view expanded);
// True when `name` can be sent as a DNS query: 1 to 253 characters in
// labels of 1 to 63.
bool is_queryable(std::string_view name);

} // namespace dtn::spf
