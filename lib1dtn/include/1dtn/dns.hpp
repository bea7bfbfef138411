// The DNS view lib1dtn works on: typed answers that carry their DNSSEC
// state, behind an interface so that the trust decision, SPF and DKIM
// run unchanged on the validating libunbound resolver and on the test
// suites' in-memory zones.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dtn {

enum class rr_type : std::uint16_t {
	a = 1,
	ns = 2,
	cname = 5,
	ptr = 12,
	mx = 15,
	txt = 16,
	aaaa = 28,
};

// What DNSSEC validation said of an answer. `indeterminate` is for
// answers that never arrived (timeout, SERVFAIL).
enum class dnssec_state { secure, insecure, bogus, indeterminate };

enum class dns_status {
	ok,       // NOERROR with records of the asked type
	nodata,   // NOERROR, name exists, no records of this type
	nxdomain, // the name does not exist
	servfail, // SERVFAIL, REFUSED or another failure rcode
	timeout,  // no answer within the configured time
	bogus,    // DNSSEC validation failed: never use the records
};

// One answer. `records` holds one entry per resource record:
//   txt         the record's character-strings joined with nothing between
//   a, aaaa     the address in presentation form ("192.0.2.1", "2001:db8::1")
//   mx          the exchange name, lower-case, no trailing dot
//   ptr, ns,
//   cname       the target name, lower-case, no trailing dot
struct dns_answer {
	dns_status status = dns_status::servfail;
	dnssec_state dnssec = dnssec_state::indeterminate;
	std::vector<std::string> records;
	std::uint32_t ttl = 0; // smallest TTL of the answer (negative TTL for nxdomain/nodata)
	std::string why_bogus; // validator's reason when status is bogus
};

std::string_view to_string(dns_status status);
std::string_view to_string(dnssec_state state);
std::string_view to_string(rr_type type);

// A source of DNS answers. Implementations must be safe to call from
// several threads at once (the milter calls from one thread per SMTP
// session) and must bound the time one query may take.
class dns_source {
      public:
	virtual ~dns_source() = default;

	// Looks up `name` (A-labels, with or without a trailing dot).
	virtual dns_answer query(std::string_view name, rr_type type) = 0;
};

} // namespace dtn
