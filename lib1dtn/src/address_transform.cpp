// The reversible address transform: escaping, its exact inverse, the
// recogniser of internal addresses, and rendezvous hashing.
//
// Each byte of the public address becomes either itself (a-z, 0-9, '-')
// or '_' and two lower-case hex digits. That code is prefix-free and
// never emits '=', so "escape(local) '=' escape(domain)" can be split at
// its only '=' and decoded byte by byte: T is injective, and T^-1 can
// insist on the one canonical spelling of each byte.
#include "1dtn/address_transform.hpp"

namespace dtn {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

bool literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		c = lower(c);
	return out;
}

void escape(std::string &out, std::string_view bytes)
{
	for (char ch : bytes) {
		auto c = static_cast<unsigned char>(ch);
		if (literal(c)) {
			out.push_back(ch);
		} else {
			out.push_back('_');
			out.push_back(hex_digits[c >> 4]);
			out.push_back(hex_digits[c & 0x0F]);
		}
	}
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

// The inverse of escape(), accepting only its canonical output.
tl::expected<std::string, std::string> unescape(std::string_view text, std::string_view part)
{
	std::string out;
	out.reserve(text.size());
	for (std::size_t i = 0; i < text.size(); ++i) {
		auto c = static_cast<unsigned char>(text[i]);
		if (literal(c)) {
			out.push_back(text[i]);
			continue;
		}
		if (c != '_')
			return tl::unexpected(std::string(part) + ": unexpected character");
		int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
		int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
		if (high < 0 || low < 0)
			return tl::unexpected(std::string(part) + ": broken escape");
		auto byte = static_cast<unsigned char>(high * 16 + low);
		if (literal(byte))
			return tl::unexpected(std::string(part) + ": needless escape");
		out.push_back(static_cast<char>(byte));
		i += 2;
	}
	return out;
}

bool valid_suffix(std::string_view s)
{
	if (s.empty() || s.size() > 190)
		return false;
	std::size_t start = 0;
	while (start <= s.size()) {
		std::size_t dot = s.find('.', start);
		std::string_view label =
		        s.substr(start, dot == std::string_view::npos ? std::string_view::npos
		                                                      : dot - start);
		if (!valid_backend_id(label))
			return false;
		if (dot == std::string_view::npos)
			break;
		start = dot + 1;
	}
	return true;
}

std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t hash = 14695981039346656037ull)
{
	for (char c : bytes) {
		hash ^= static_cast<unsigned char>(c);
		hash *= 1099511628211ull;
	}
	return hash;
}

// MurmurHash3's 64-bit finalizer: spreads FNV's weak low bits.
std::uint64_t mix(std::uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

} // namespace

bool valid_backend_id(std::string_view id)
{
	if (id.empty() || id.size() > 63 || id.front() == '-' || id.back() == '-')
		return false;
	for (char c : id)
		if (!literal(static_cast<unsigned char>(c)))
			return false;
	return true;
}

tl::expected<address_transform, std::string>
address_transform::create(std::string_view internal_suffix)
{
	std::string suffix = lower(internal_suffix);
	if (!suffix.empty() && suffix.back() == '.')
		suffix.pop_back();
	if (!valid_suffix(suffix))
		return tl::unexpected(
		        "internal suffix '" + std::string(internal_suffix) +
		        "' is not a domain of lower-case letters, digits and hyphens");
	return address_transform(std::move(suffix));
}

tl::expected<std::string, std::string>
address_transform::to_internal(std::string_view public_address, std::string_view backend) const
{
	if (!valid_backend_id(backend))
		return tl::unexpected("back end id '" + std::string(backend) + "' is not valid");
	if (public_address.size() > max_public_bytes)
		return tl::unexpected(std::string("address longer than 1024 bytes"));
	auto at = public_address.rfind('@');
	if (at == std::string_view::npos || at == 0 || at + 1 == public_address.size())
		return tl::unexpected(std::string("not of the form local@domain"));
	std::string out;
	out.reserve(public_address.size() * 2 + backend.size() + suffix_.size() + 3);
	escape(out, public_address.substr(0, at));
	out.push_back('=');
	escape(out, public_address.substr(at + 1));
	out.push_back('@');
	out += backend;
	out.push_back('.');
	out += suffix_;
	return out;
}

tl::expected<internal_address, std::string>
address_transform::to_public(std::string_view internal) const
{
	auto at = internal.rfind('@');
	if (at == std::string_view::npos)
		return tl::unexpected(std::string("no '@'"));
	std::string domain = lower(internal.substr(at + 1));
	if (!domain.empty() && domain.back() == '.')
		domain.pop_back();
	std::string tail = "." + suffix_;
	if (domain.size() <= tail.size() || !domain.ends_with(tail))
		return tl::unexpected("domain is not under " + suffix_);
	std::string backend = domain.substr(0, domain.size() - tail.size());
	if (!valid_backend_id(backend))
		return tl::unexpected("'" + backend + "' is not a back end id");

	std::string_view local = internal.substr(0, at);
	auto separator = local.find('=');
	if (separator == std::string_view::npos || local.find('=', separator + 1) != local.npos)
		return tl::unexpected(std::string("local part lacks its one '='"));
	auto public_local = unescape(local.substr(0, separator), "local part");
	if (!public_local)
		return tl::unexpected(public_local.error());
	auto public_domain = unescape(local.substr(separator + 1), "domain");
	if (!public_domain)
		return tl::unexpected(public_domain.error());
	if (public_local->empty() || public_domain->empty())
		return tl::unexpected(std::string("empty local part or domain"));
	if (public_domain->find('@') != std::string::npos)
		return tl::unexpected(std::string("domain holds an '@'"));
	std::string address = *public_local + "@" + *public_domain;
	if (address.size() > max_public_bytes)
		return tl::unexpected(std::string("address longer than 1024 bytes"));
	return internal_address{std::move(address), std::move(backend)};
}

bool address_transform::is_internal(std::string_view address) const
{
	auto at = address.rfind('@');
	std::string domain = lower(at == std::string_view::npos ? address : address.substr(at + 1));
	while (!domain.empty() && domain.back() == '.')
		domain.pop_back();
	return domain == suffix_ || domain.ends_with("." + suffix_);
}

std::string routing_key(std::string_view public_address, char delimiter)
{
	std::string key = lower(public_address);
	if (delimiter == 0)
		return key;
	auto at = key.rfind('@');
	if (at == std::string::npos)
		return key;
	auto plus = key.find(delimiter);
	if (plus != std::string::npos && plus > 0 && plus < at)
		key.erase(plus, at - plus);
	return key;
}

std::uint64_t rendezvous_weight(std::string_view key, std::string_view backend)
{
	std::uint64_t h = fnv1a64(backend);
	h = fnv1a64(std::string_view("\0", 1), h);
	return mix(fnv1a64(key, h));
}

std::string_view choose_backend(std::string_view key, std::span<const std::string> backends)
{
	std::string_view best;
	std::uint64_t best_weight = 0;
	for (auto const &b : backends) {
		std::uint64_t w = rendezvous_weight(key, b);
		if (best.empty() || w > best_weight || (w == best_weight && b < best)) {
			best = b;
			best_weight = w;
		}
	}
	return best;
}

} // namespace dtn
