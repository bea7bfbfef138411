// The 1DTN decision trusted(S, R) of the spec, as the milter and the
// `1dtn` tool call it.
//
// The milter checks the sender once per MAIL FROM (check_sender), then
// decides each recipient domain at RCPT TO (decide). A sender whose
// declaration asks for DKIM cannot be decided before the message is
// received: decide() then reports `needs_dkim` and the caller decides
// again at the end of data with the DKIM outcome.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "1dtn/dns.hpp"

namespace dtn {

enum class result { pass, fail, temperror, permerror };

std::string_view to_string(result r);

// RFC 7208 results.
enum class spf_result { none, neutral, pass, fail, softfail, temperror, permerror };

std::string_view to_string(spf_result r);

// The SMTP facts of one transaction that the decision needs.
struct sender_facts {
	std::string mail_from; // envelope sender address, "" for the null sender <>
	std::string helo;      // HELO/EHLO name
	std::string client_ip; // "192.0.2.1" or "2001:db8::1"
};

// SPF for the sender domain S (the MAIL FROM domain, or HELO for <>).
struct sender_check {
	std::string sender_domain; // S, lower-case A-label
	spf_result spf = spf_result::none;
	std::string spf_reason; // e.g. "mechanism ip4:192.0.2.0/24 matched"
	dnssec_state dnssec = dnssec_state::indeterminate; // weakest state of the SPF answers
};

// DKIM results at end of data, from the DKIM verifier.
struct dkim_check {
	bool aligned_pass = false; // a valid signature whose d= aligns with S (relaxed)
	bool temporary = false;    // a key lookup failed temporarily
	std::string reason;
};

// One lookup made for the decision, for `1dtn check` and the logs.
struct lookup_step {
	std::string name; // e.g. "_1dtn.partner.example"
	dns_status status = dns_status::servfail;
	dnssec_state dnssec = dnssec_state::indeterminate;
	std::string found; // the 1DTN record used, or what was wrong
};

struct decision {
	result outcome = result::temperror;
	bool needs_dkim = false;                           // auth=dkim: decide again at end of data
	bool weak_auth = false;                            // the sender declared auth=none
	bool insecure = false;                             // an answer used was DNSSEC-insecure
	dnssec_state dnssec = dnssec_state::indeterminate; // weakest state used
	std::string reason; // one line, fit for an SMTP reply and a log line
	// The lookups this call made: a declaration taken from the decision
	// cache adds none.
	std::vector<lookup_step> steps;
};

struct trust_options {
	bool allow_insecure = true;         // may insecure answers yield pass
	std::size_t cache_entries = 100000; // decision cache bound (LRU)
};

class trust_checker {
      public:
	trust_checker(std::shared_ptr<dns_source> dns, trust_options options);
	~trust_checker();
	trust_checker(trust_checker const &) = delete;
	trust_checker &operator=(trust_checker const &) = delete;

	// SPF for the transaction's sender. Thread-safe.
	sender_check check_sender(sender_facts const &facts);

	// trusted(S, R) for one recipient domain. Pass `dkim` at end of data
	// for senders whose declaration asks for DKIM. Thread-safe.
	decision decide(sender_check const &sender, std::string_view recipient_domain,
	                std::optional<dkim_check> const &dkim = std::nullopt);

      private:
	struct impl;
	std::unique_ptr<impl> impl_;
};

} // namespace dtn
