// Host names and addresses as the content rules compare them: the host
// of a URL, the organisational domain (public suffix list, libpsl), the
// Unicode form of a punycode name and its confusable skeleton.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ai {

// The host of a URL, lower-cased, without userinfo, port or trailing
// dot; IPv6 literals keep their brackets. "" when there is none.
// Accepts scheme-less forms ("www.example.com/x") as well.
std::string url_host(std::string_view url);

// True when the authority of a URL carries userinfo ("a.com@b.com").
bool url_has_userinfo(std::string_view url);

// The domain part of an addr-spec, lower-cased ("" without an '@').
std::string address_domain(std::string_view address);

// True for IPv4 dotted quads, bare decimal/hex/octal integers browsers
// take as IPv4, and bracketed IPv6 literals.
bool is_ip_literal(std::string_view host);

// The registrable ("organisational") domain of a host per the public
// suffix list: "mail.partner.co.jp" -> "partner.co.jp". For a name the
// list cannot place, the host itself. "" for IP literals.
std::string org_domain(std::string_view host);

// True when the last label of `host` is a suffix on the public suffix
// list in its own right (so "file.txt" is not taken for a domain).
bool has_known_suffix(std::string_view host);

// The host with each "xn--" label decoded to UTF-8 (unchanged when a
// label does not decode).
std::string host_to_unicode(std::string_view host);

// True when any label starts with "xn--".
bool has_punycode_label(std::string_view host);

// A confusable skeleton in the spirit of Unicode TR39: characters that
// look alike map to one prototype (Cyrillic 'а' and Latin 'a', '0' and
// 'o', "rn" and 'm'), then lower-cased. Two names with equal skeletons
// look the same to a reader. The table is small and covers the letters
// phishing actually uses, not all of confusables.txt.
std::string confusable_skeleton(std::string_view utf8);

// True when the text mixes Latin letters with Cyrillic or Greek ones in
// one label, or is non-ASCII yet has an all-ASCII skeleton.
bool looks_like_homograph(std::string_view utf8_label);

// Optimal string alignment distance (edits, with adjacent swaps).
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace ai
