// What DKIM results mean for the rest of the gateway: relaxed alignment
// with a domain, the dkim_check of the 1DTN decision, and the dkim=
// part of the Authentication-Results header (RFC 8601).
#include "1dtn/dkim.hpp"

#include "1dtn/domain.hpp"

namespace dtn {
namespace {

std::string normalized(std::string_view domain)
{
	if (!domain.empty() && domain.back() == '.')
		domain.remove_suffix(1);
	std::string out(domain);
	for (auto &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

// RFC 5322 comment text: escape what would end or nest the comment.
std::string comment_text(std::string_view text)
{
	std::string out;
	for (char c : text) {
		auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u == 0x7f)
			continue;
		if (c == '(' || c == ')' || c == '\\')
			out.push_back('\\');
		out.push_back(c);
	}
	return out;
}

// A value that is a MIME token is written bare, anything else quoted.
std::string property_value(std::string_view value)
{
	static constexpr std::string_view tspecials = "()<>@,;:\\\"/[]?=";
	bool token = true;
	for (char c : value)
		token = token && c > 0x20 && c < 0x7f &&
		        tspecials.find(c) == std::string_view::npos;
	if (token)
		return std::string(value);
	std::string out = "\"";
	for (char c : value) {
		if (c == '"' || c == '\\')
			out.push_back('\\');
		out.push_back(c);
	}
	return out + "\"";
}

bool counts_as_pass(dkim_signature_result const &r)
{
	return r.result == dkim_result::pass && !r.testing;
}

} // namespace

std::string dkim_organizational_domain(std::string_view domain)
{
	std::string name = normalized(domain);
	return name.empty() ? name : organizational_domain(name);
}

bool dkim_aligned(std::string_view signing_domain, std::string_view domain)
{
	auto a = dkim_organizational_domain(signing_domain);
	return !a.empty() && a == dkim_organizational_domain(domain);
}

dkim_check to_dkim_check(std::vector<dkim_signature_result> const &results,
                         std::string_view sender_domain)
{
	dkim_check check;
	std::string sender = normalized(sender_domain);
	std::string seen;
	for (auto const &r : results) {
		bool aligned = !r.domain.empty() && dkim_aligned(r.domain, sender);
		if (aligned && counts_as_pass(r)) {
			check.aligned_pass = true;
			check.temporary = false;
			check.reason = "DKIM pass for d=" + r.domain + " s=" + r.selector +
			               ", aligned with " + sender;
			return check;
		}
		if (aligned && r.result == dkim_result::temperror)
			check.temporary = true;
		seen += (seen.empty() ? "" : ", ") + std::string("d=") +
		        (r.domain.empty() ? "?" : r.domain) + " " +
		        std::string(to_string(r.result)) + (r.testing ? " (testing)" : "") +
		        (aligned ? "" : " (not aligned)");
	}
	if (results.empty())
		check.reason = "no DKIM signature";
	else
		check.reason = "no passing DKIM signature aligned with " + sender + ": " + seen;
	return check;
}

std::string dkim_authres(dkim_signature_result const &r)
{
	std::string out = "dkim=" + std::string(to_string(r.result));
	std::string comment = r.reason;
	if (r.testing)
		comment += "; key in testing mode";
	if (r.key_dnssec != dnssec_state::indeterminate)
		comment += "; key DNSSEC " + std::string(to_string(r.key_dnssec));
	if (!comment.empty())
		out += " (" + comment_text(comment) + ")";
	if (!r.domain.empty())
		out += " header.d=" + property_value(r.domain);
	if (!r.selector.empty())
		out += " header.s=" + property_value(r.selector);
	if (!r.algorithm.empty())
		out += " header.a=" + property_value(r.algorithm);
	if (!r.b_prefix.empty())
		out += " header.b=" + property_value(r.b_prefix);
	return out;
}

} // namespace dtn
