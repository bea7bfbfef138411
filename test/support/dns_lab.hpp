// A DNS laboratory for end-to-end tests: NSD on a loopback port serving
// a test root "." and the zones a test describes, signed at run time
// with ldns-keygen/ldns-signzone, and the resolver options that point
// a validating libunbound at it with the lab's root key as trust anchor.
//
//	lab::dns_lab dns;
//	dns.add_zone("partner.example", {"_1dtn TXT \"v=1dtn1; trust=me.example\""});
//	dns.add_zone("plain.example", {...}, lab::zone_security::unsigned_zone);
//	dns.add_dead_zone("slow.example");
//	dns.start();
//	auto resolver = dtn::unbound_resolver::create(dns.resolver_options());
//
// Parent zones are created as needed (the root and every missing TLD,
// signed) and carry the delegations and DS records of their children.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "1dtn/resolver.hpp"

namespace lab {

enum class zone_security {
	signed_zone,      // validates: answers are secure
	unsigned_zone,    // no DS in the parent: answers are insecure
	broken_signature, // DS in the parent but corrupted RRSIGs over TXT: bogus
};

// A zone-file TXT line for `owner`: `text` in quoted character-strings
// of at most 255 octets, with '"' and '\\' escaped.
std::string txt_record(std::string const &owner, std::string const &text);

class dns_lab {
      public:
	dns_lab();
	~dns_lab();
	dns_lab(dns_lab const &) = delete;
	dns_lab &operator=(dns_lab const &) = delete;

	// `records` are zone-file lines relative to the zone's origin
	// ("_1dtn TXT \"v=1dtn1\"", "@ TXT \"v=spf1 -all\"", "mail A 192.0.2.1").
	// The lab adds SOA, NS, DNSKEY and the signatures.
	void add_zone(std::string const &zone, std::vector<std::string> const &records,
	              zone_security security = zone_security::signed_zone);

	// A delegation (unsigned, from a signed parent) to a name server
	// that receives queries and never answers.
	void add_dead_zone(std::string const &zone);

	// Signs the zones, starts NSD and waits until every zone answers.
	// Throws std::runtime_error with the failing step and its log.
	void start();

	int port() const;
	std::filesystem::path trust_anchor_file() const;
	std::filesystem::path folder() const;

	// Validating recursion from the lab's root, dead zones included.
	dtn::resolver_options
	resolver_options(std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) const;

      private:
	struct impl;
	std::unique_ptr<impl> impl_;
};

} // namespace lab
