// Names of the enums, as they appear in logs, in Authentication-Results
// and in the output of the 1dtn tool.
#include "1dtn/dns.hpp"
#include "1dtn/trust.hpp"

namespace dtn {

std::string_view to_string(dns_status status)
{
	switch (status) {
	case dns_status::ok:
		return "ok";
	case dns_status::nodata:
		return "nodata";
	case dns_status::nxdomain:
		return "nxdomain";
	case dns_status::servfail:
		return "servfail";
	case dns_status::timeout:
		return "timeout";
	case dns_status::bogus:
		return "bogus";
	}
	return "unknown";
}

std::string_view to_string(dnssec_state state)
{
	switch (state) {
	case dnssec_state::secure:
		return "secure";
	case dnssec_state::insecure:
		return "insecure";
	case dnssec_state::bogus:
		return "bogus";
	case dnssec_state::indeterminate:
		return "indeterminate";
	}
	return "unknown";
}

std::string_view to_string(rr_type type)
{
	switch (type) {
	case rr_type::a:
		return "A";
	case rr_type::ns:
		return "NS";
	case rr_type::cname:
		return "CNAME";
	case rr_type::ptr:
		return "PTR";
	case rr_type::mx:
		return "MX";
	case rr_type::txt:
		return "TXT";
	case rr_type::aaaa:
		return "AAAA";
	}
	return "unknown";
}

std::string_view to_string(result r)
{
	switch (r) {
	case result::pass:
		return "pass";
	case result::fail:
		return "fail";
	case result::temperror:
		return "temperror";
	case result::permerror:
		return "permerror";
	}
	return "unknown";
}

std::string_view to_string(spf_result r)
{
	switch (r) {
	case spf_result::none:
		return "none";
	case spf_result::neutral:
		return "neutral";
	case spf_result::pass:
		return "pass";
	case spf_result::fail:
		return "fail";
	case spf_result::softfail:
		return "softfail";
	case spf_result::temperror:
		return "temperror";
	case spf_result::permerror:
		return "permerror";
	}
	return "unknown";
}

} // namespace dtn
