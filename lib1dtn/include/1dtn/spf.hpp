// SPF (RFC 7208) evaluation on a dns_source.
#pragma once

#include <string>
#include <string_view>

#include "1dtn/dns.hpp"
#include "1dtn/trust.hpp"

namespace dtn {

struct spf_request {
	std::string client_ip;            // "192.0.2.1" or "2001:db8::1"
	std::string domain;               // the domain whose policy is checked
	std::string sender;               // MAIL FROM address; "postmaster@HELO" for <>
	std::string helo;                 // HELO/EHLO name as given
	std::string receiver = "unknown"; // %{r}: this host's name
};

struct spf_outcome {
	spf_result result = spf_result::none;
	std::string reason;      // which mechanism or error decided, for logs
	std::string explanation; // expanded exp= text on fail, if any
	dnssec_state dnssec = dnssec_state::indeterminate; // weakest state of the answers used
};

// check_host() of RFC 7208 section 4, with its lookup limits (10 DNS
// mechanisms and modifiers, 2 void lookups). Never throws.
spf_outcome spf_check(dns_source &dns, spf_request const &request);

} // namespace dtn
