// Authentication-Results (RFC 8601): reading the authserv-id of an
// incoming header, and writing ours.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace milter {

// The authserv-id an Authentication-Results header value starts with
// (after white space and comments), or "" if none can be read.
std::string authserv_id_of(std::string_view header_value);

// True when the header claims `our_id` (compared case-insensitively), so
// it must be removed before ours is added: nobody else may speak for us.
bool claims_authserv_id(std::string_view header_value, std::string_view our_id);

// One resinfo: "method=result reason="..." ptype.property=value ...".
struct auth_result {
	std::string method;  // "spf", "x-1dtn"
	std::string result;  // "pass", "fail", ...
	std::string reason;  // free text; quoted and escaped on output
	std::string comment; // e.g. "dnssec=secure"; parentheses removed
	std::vector<std::pair<std::string, std::string>>
	        properties; // {"smtp.mailfrom", "a.example"}
};

// The header value (without the name), folded with "\n\t" between
// resinfos as libmilter expects, e.g.
//   "mx.example;\n\tspf=pass smtp.mailfrom=a.example"
std::string format_auth_results(std::string_view authserv_id,
                                std::vector<auth_result> const &results);

} // namespace milter
