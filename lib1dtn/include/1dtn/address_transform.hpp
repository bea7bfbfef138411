// The reversible address transform of multi-server domain isolation.
//
// T maps a public address and the back end that holds its mailbox to an
// internal address, T^-1 maps it back; see 1dall-transform(7).
//
//   T("Alice.Smith+tag@Example.com", "b2")
//     = "_41lice_2e_53mith_2btag=_45xample_2ecom@b2.1dall.invalid"
//
// The internal local part uses only a-z 0-9 - _ and =, so it is a plain
// ASCII dot-atom that survives any MTA (including one that lower-cases
// local parts), while every byte of the public address, case included,
// is kept. T is defined on every byte string "local@domain" (the domain
// being what follows the last '@'), not only on valid addresses, and is
// injective there; T^-1 accepts exactly the strings T produces.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dtn {

struct internal_address {
	std::string public_address; // exactly as given to T
	std::string backend;        // the back end id
};

class address_transform {
      public:
	// `internal_suffix`: the domain under which every back end gets its
	// own internal domain, "BACKEND.SUFFIX". A reserved name such as
	// "1dall.invalid" never resolves on the public Internet.
	static tl::expected<address_transform, std::string>
	create(std::string_view internal_suffix = "1dall.invalid");

	// T. Errors: no '@', an empty local part or domain, a bad back end
	// id, or a public address longer than max_public_bytes.
	tl::expected<std::string, std::string> to_internal(std::string_view public_address,
	                                                   std::string_view backend) const;

	// T^-1. Errors say why the string is not an internal address.
	tl::expected<internal_address, std::string> to_public(std::string_view internal) const;

	// True when the domain of `address` is the internal suffix or under
	// it (ignoring ASCII case and a trailing dot): such an address must
	// never be accepted from outside the gateway.
	bool is_internal(std::string_view address) const;

	std::string const &suffix() const { return suffix_; }

	static constexpr std::size_t max_public_bytes = 1024;

      private:
	explicit address_transform(std::string suffix) : suffix_(std::move(suffix)) {}
	std::string suffix_; // lower case, no trailing dot
};

// A back end id is one DNS label of lower-case letters, digits and
// hyphens, 1 to 63 characters, not starting or ending with a hyphen.
bool valid_backend_id(std::string_view id);

// The key a user is routed by: the address with ASCII lower-cased and,
// when `delimiter` is not 0, the "+detail" of its local part removed, so
// that every spelling of one mailbox lands on the same back end.
std::string routing_key(std::string_view public_address, char delimiter = '+');

// Rendezvous (highest random weight) hashing: the back end whose
// hash(key, back end) is largest. Adding a back end moves only the users
// it wins; removing one moves only its users. "" when `backends` is empty.
std::string_view choose_backend(std::string_view key, std::span<const std::string> backends);

// The weight used by choose_backend, exposed for tests.
std::uint64_t rendezvous_weight(std::string_view key, std::string_view backend);

} // namespace dtn
