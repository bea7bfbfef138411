// Fetching one domain's 1DTN declaration: the lookup at _1dtn.D, the
// organizational-domain fallback, and the includes merged depth-first
// within the lookup limit (spec "Where the declaration lives" and the
// include rules of "Grammar").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "1dtn/dns.hpp"
#include "1dtn/record.hpp"
#include "1dtn/trust.hpp"

namespace dtn {

// Lookups allowed for one declaration, the record itself included.
inline constexpr int max_declaration_lookups = 10;

struct declaration {
	enum class state {
		found,     // a well-formed record, includes resolved
		missing,   // no 1DTN record at the domain (nor its organizational domain)
		temperror, // a lookup timed out, failed or was DNSSEC-bogus
		permerror, // malformed, duplicated, include loop or limit
	};

	state status = state::temperror;
	std::string domain;   // the domain asked about, A-label
	std::string found_at; // where the record was found: domain or its organizational domain
	std::vector<std::string> patterns; // trust patterns, includes merged
	auth_method auth = auth_method::spf;
	dnssec_state dnssec = dnssec_state::indeterminate; // weakest state of the answers used
	std::uint32_t ttl = 0;                             // smallest TTL of the answers used
	std::string reason; // what was found or what went wrong, one line
	std::vector<lookup_step> steps;

	// True when a pattern matches `other` (an A-label).
	bool trusts(std::string_view other) const;
};

std::string_view to_string(declaration::state state);

// The weaker of two DNSSEC states: bogus < indeterminate < insecure < secure.
dnssec_state weaker(dnssec_state a, dnssec_state b);

// Looks up the declaration of `domain` (an A-label). Never throws.
declaration fetch_declaration(dns_source &dns, std::string_view domain);

} // namespace dtn
