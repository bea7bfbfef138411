// check_host() of RFC 7208 on a dns_source: record selection, every
// mechanism and modifier, the processing limits and the explanation.
#include "1dtn/spf.hpp"
#include "1dtn/spf_record.hpp"

#include <cctype>
#include <ctime>
#include <exception>
#include <map>

namespace dtn {
namespace {

using spf::mechanism;
using spf::mechanism_kind;

constexpr int max_dns_terms = 10;     // RFC 7208 4.6.4: terms that query DNS
constexpr int max_void_lookups = 2;   // RFC 7208 4.6.4: empty answers
constexpr std::size_t max_names = 10; // MX and PTR names looked at per term

// The result of one check_host() call.
struct verdict {
	spf_result result = spf_result::neutral;
	std::string reason;
	std::string explanation;
};

// A mechanism matched (true), did not (false), or ended the evaluation.
using match = tl::expected<bool, verdict>;

verdict stop(spf_result result, std::string reason)
{
	return verdict{result, std::move(reason), {}};
}

// DNS names and SPF keywords compare case-insensitively in ASCII only,
// whatever the process locale.
char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text)
{
	std::string out(text);
	for (auto &c : out)
		c = ascii_lower(c);
	return out;
}

std::string_view without_trailing_dot(std::string_view name)
{
	if (!name.empty() && name.back() == '.')
		name.remove_suffix(1);
	return name;
}

// True when `name` is `domain` or one of its subdomains (case-insensitive).
bool within(std::string_view name, std::string_view domain)
{
	auto n = lower(without_trailing_dot(name));
	auto d = lower(without_trailing_dot(domain));
	if (n.size() == d.size())
		return n == d;
	return n.size() > d.size() && n.compare(n.size() - d.size(), d.size(), d) == 0 &&
	       n[n.size() - d.size() - 1] == '.';
}

// RFC 7208 4.3: a <domain> that is malformed or not multi-label gives
// "none" without any lookup.
bool is_checkable_domain(std::string_view domain)
{
	domain = without_trailing_dot(domain);
	if (!spf::is_queryable(domain) || domain.find('.') == std::string_view::npos)
		return false;
	for (char c : domain) {
		auto byte = static_cast<unsigned char>(c);
		if (!std::isalnum(byte) && c != '-' && c != '_' && c != '.')
			return false;
	}
	auto top = domain.substr(domain.rfind('.') + 1);
	for (char c : top) {
		if (!std::isdigit(static_cast<unsigned char>(c)))
			return true;
	}
	return false; // an IP address, not a domain
}

spf_result result_of(spf::qualifier qual)
{
	switch (qual) {
	case spf::qualifier::pass:
		return spf_result::pass;
	case spf::qualifier::fail:
		return spf_result::fail;
	case spf::qualifier::softfail:
		return spf_result::softfail;
	case spf::qualifier::neutral:
		return spf_result::neutral;
	}
	return spf_result::neutral;
}

int strength(dnssec_state state)
{
	switch (state) {
	case dnssec_state::secure:
		return 3;
	case dnssec_state::insecure:
		return 2;
	case dnssec_state::indeterminate:
		return 1;
	case dnssec_state::bogus:
		return 0;
	}
	return 0;
}

bool is_failure(dns_answer const &answer)
{
	return answer.status == dns_status::servfail || answer.status == dns_status::timeout ||
	       answer.status == dns_status::bogus || answer.dnssec == dnssec_state::bogus;
}

bool is_void(dns_answer const &answer)
{
	return answer.status == dns_status::nxdomain || answer.status == dns_status::nodata ||
	       (answer.status == dns_status::ok && answer.records.empty());
}

std::string failure_text(dns_answer const &answer)
{
	if (answer.status == dns_status::bogus || answer.dnssec == dnssec_state::bogus)
		return answer.why_bogus.empty() ? "DNSSEC-bogus answer"
		                                : "DNSSEC-bogus answer (" + answer.why_bogus + ")";
	if (answer.status == dns_status::timeout)
		return "DNS timeout";
	return "DNS server failure";
}

// 7-bit printable text, as explanations must be (RFC 7208 6.2).
bool is_printable_ascii(std::string_view text)
{
	for (char c : text) {
		if (c < 0x20 || c > 0x7e)
			return false;
	}
	return true;
}

// The client's PTR names, as ptr and %{p} use them.
struct reverse_names {
	bool empty_answer = false;      // a void lookup
	std::vector<std::string> names; // at most 10, lower-case
};

class evaluator {
      public:
	evaluator(dns_source &dns, spf::macro_values values) : dns_(dns), values_(std::move(values))
	{
		values_.validated_name = [this] { return validated_name(); };
	}

	spf_outcome run(std::string const &domain)
	{
		auto v = check_host(domain, true);
		spf_outcome out;
		out.result = v.result;
		out.reason = std::move(v.reason);
		out.explanation = std::move(v.explanation);
		out.dnssec = answers_ ? weakest_ : dnssec_state::indeterminate;
		return out;
	}

      private:
	// Restores %{d} when a nested check_host() returns.
	class domain_scope {
	      public:
		domain_scope(spf::macro_values &values, std::string const &domain)
		    : values_(values), saved_(values.domain)
		{
			values_.domain = domain;
		}
		~domain_scope() { values_.domain = std::move(saved_); }
		domain_scope(domain_scope const &) = delete;
		domain_scope &operator=(domain_scope const &) = delete;

	      private:
		spf::macro_values &values_;
		std::string saved_;
	};

	dns_answer lookup(std::string const &name, rr_type type)
	{
		auto answer = dns_.query(name, type);
		if (!answers_ || strength(answer.dnssec) < strength(weakest_))
			weakest_ = answer.dnssec;
		answers_ = true;
		return answer;
	}

	verdict lookup_error(std::string const &name, rr_type type, dns_answer const &answer)
	{
		return stop(spf_result::temperror, failure_text(answer) + " for " +
		                                           std::string(to_string(type)) + " " +
		                                           name);
	}

	rr_type address_type() const { return values_.client.v6 ? rr_type::aaaa : rr_type::a; }

	tl::expected<void, verdict> count_dns_term(std::string_view term)
	{
		if (++dns_terms_ > max_dns_terms)
			return tl::unexpected(stop(spf_result::permerror,
			                           std::string(term) + " exceeded the limit of " +
			                                   std::to_string(max_dns_terms) +
			                                   " DNS lookups"));
		return {};
	}

	tl::expected<void, verdict> count_void(std::string_view term)
	{
		if (++voids_ > max_void_lookups)
			return tl::unexpected(stop(spf_result::permerror,
			                           std::string(term) + " exceeded the limit of " +
			                                   std::to_string(max_void_lookups) +
			                                   " void lookups"));
		return {};
	}

	// The target name of a term: its expanded domain-spec, or <domain>.
	tl::expected<std::string, verdict> target_of(mechanism const &mech)
	{
		if (mech.domain_spec.empty())
			return values_.domain;
		return expand_domain(mech.domain_spec, mech.text);
	}

	tl::expected<std::string, verdict> expand_domain(std::string const &spec,
	                                                 std::string_view term)
	{
		auto expanded = spf::expand_macros(spec, values_, spf::macro_use::domain);
		if (!expanded)
			return tl::unexpected(stop(spf_result::permerror,
			                           std::string(term) + ": " + expanded.error()));
		return spf::query_name(*expanded);
	}

	enum class address_result { matched, unmatched, empty };

	// Does any address record of `name` cover the client? A failed
	// lookup comes back as the unexpected answer.
	tl::expected<address_result, dns_answer> address_matches(std::string const &name, int cidr4,
	                                                         int cidr6)
	{
		auto answer = lookup(name, address_type());
		if (is_failure(answer))
			return tl::unexpected(std::move(answer));
		if (is_void(answer))
			return address_result::empty;
		for (auto const &text : answer.records) {
			auto ip = values_.client.v6 ? spf::parse_ip6(text) : spf::parse_ip4(text);
			if (ip &&
			    spf::in_network(values_.client, *ip, values_.client.v6 ? cidr6 : cidr4))
				return address_result::matched;
		}
		return address_result::unmatched;
	}

	match match_a(mechanism const &mech)
	{
		auto target = target_of(mech);
		if (!target)
			return tl::unexpected(target.error());
		if (!spf::is_queryable(*target))
			return false; // RFC 7208 leaves this open; no name, no match
		auto found = address_matches(*target, mech.cidr4, mech.cidr6);
		if (!found)
			return tl::unexpected(lookup_error(*target, address_type(), found.error()));
		if (*found == address_result::empty)
			return void_lookup(mech);
		return *found == address_result::matched;
	}

	match void_lookup(mechanism const &mech)
	{
		auto counted = count_void(mech.text);
		if (!counted)
			return tl::unexpected(counted.error());
		return false;
	}

	match match_mx(mechanism const &mech)
	{
		auto target = target_of(mech);
		if (!target)
			return tl::unexpected(target.error());
		if (!spf::is_queryable(*target))
			return false;
		auto answer = lookup(*target, rr_type::mx);
		if (is_failure(answer))
			return tl::unexpected(lookup_error(*target, rr_type::mx, answer));
		if (is_void(answer))
			return void_lookup(mech);
		if (answer.records.size() > max_names)
			return tl::unexpected(stop(spf_result::permerror,
			                           mech.text + ": " + *target + " has more than " +
			                                   std::to_string(max_names) +
			                                   " MX records"));
		for (auto const &exchange : answer.records) {
			auto name = std::string(without_trailing_dot(exchange));
			if (!spf::is_queryable(name))
				continue; // null MX (RFC 7505)
			auto found = address_matches(name, mech.cidr4, mech.cidr6);
			if (!found)
				return tl::unexpected(
				        lookup_error(name, address_type(), found.error()));
			if (*found == address_result::matched)
				return true;
		}
		return false;
	}

	// The client's PTR names, asked once per evaluation however many
	// ptr terms and %{p} macros need them: a record cannot multiply the
	// lookups (and timeouts) by repeating "ptr".
	// Lookup failures give no names (RFC 7208 5.5).
	reverse_names const &client_names()
	{
		if (reverse_)
			return *reverse_;
		auto answer = lookup(spf::reverse_name(values_.client), rr_type::ptr);
		reverse_.emplace();
		reverse_->empty_answer = is_void(answer);
		if (answer.status != dns_status::ok || is_failure(answer))
			return *reverse_;
		for (auto const &name : answer.records) {
			if (reverse_->names.size() == max_names)
				break;
			reverse_->names.push_back(lower(without_trailing_dot(name)));
		}
		return *reverse_;
	}

	// A PTR name is validated when one of its addresses is the client.
	// Remembered per evaluation, like the names themselves.
	bool validates(std::string const &name)
	{
		auto known = validation_.find(name);
		if (known != validation_.end())
			return known->second;
		bool valid = false;
		if (spf::is_queryable(name)) {
			auto found = address_matches(name, 32, 128);
			valid = found && *found == address_result::matched;
		}
		validation_.emplace(name, valid);
		return valid;
	}

	match match_ptr(mechanism const &mech)
	{
		auto target = target_of(mech);
		if (!target)
			return tl::unexpected(target.error());
		auto const &reverse = client_names();
		if (reverse.empty_answer)
			return void_lookup(mech);
		for (auto const &name : reverse.names) {
			if (within(name, *target) && validates(name))
				return true;
		}
		return false;
	}

	match match_exists(mechanism const &mech)
	{
		auto target = target_of(mech);
		if (!target)
			return tl::unexpected(target.error());
		if (!spf::is_queryable(*target))
			return false;
		auto answer = lookup(*target, rr_type::a);
		if (is_failure(answer))
			return tl::unexpected(lookup_error(*target, rr_type::a, answer));
		if (is_void(answer))
			return void_lookup(mech);
		return true;
	}

	match match_include(mechanism const &mech)
	{
		auto target = target_of(mech);
		if (!target)
			return tl::unexpected(target.error());
		auto inner = check_host(*target, false);
		switch (inner.result) {
		case spf_result::pass:
			include_reason_ = std::move(inner.reason);
			return true;
		case spf_result::fail:
		case spf_result::softfail:
		case spf_result::neutral:
			return false;
		case spf_result::none:
			return tl::unexpected(
			        stop(spf_result::permerror, mech.text + ": " + inner.reason));
		case spf_result::temperror:
		case spf_result::permerror:
			break;
		}
		inner.reason = mech.text + ": " + inner.reason;
		return tl::unexpected(std::move(inner));
	}

	match matches(mechanism const &mech)
	{
		switch (mech.kind) {
		case mechanism_kind::all:
			return true;
		case mechanism_kind::ip4:
		case mechanism_kind::ip6:
			return spf::in_network(values_.client, mech.network,
			                       mech.network.v6 ? mech.cidr6 : mech.cidr4);
		default:
			break;
		}
		auto counted = count_dns_term(mech.text);
		if (!counted)
			return tl::unexpected(counted.error());
		switch (mech.kind) {
		case mechanism_kind::include:
			return match_include(mech);
		case mechanism_kind::a:
			return match_a(mech);
		case mechanism_kind::mx:
			return match_mx(mech);
		case mechanism_kind::ptr:
			return match_ptr(mech);
		case mechanism_kind::exists:
			return match_exists(mech);
		default:
			return false;
		}
	}

	// The one SPF record of `domain`, or the verdict that ends the check.
	tl::expected<std::string, verdict> fetch_record(std::string const &domain)
	{
		auto answer = lookup(domain, rr_type::txt);
		if (is_failure(answer))
			return tl::unexpected(lookup_error(domain, rr_type::txt, answer));
		std::vector<std::string const *> found;
		if (answer.status == dns_status::ok) {
			for (auto const &txt : answer.records) {
				if (spf::is_spf_record(txt))
					found.push_back(&txt);
			}
		}
		if (found.empty())
			return tl::unexpected(stop(spf_result::none, "no SPF record at " + domain));
		if (found.size() > 1)
			return tl::unexpected(stop(spf_result::permerror,
			                           "more than one SPF record at " + domain));
		return *found.front();
	}

	// Expanded exp= text, or "" when anything about it is wrong (RFC 7208
	// 6.2: then proceed as if there were no exp=). Not a counted lookup.
	std::string explain(std::string const &spec)
	{
		auto expanded = spf::expand_macros(spec, values_, spf::macro_use::domain);
		if (!expanded)
			return {};
		auto name = spf::query_name(*expanded);
		if (!spf::is_queryable(name))
			return {};
		auto answer = dns_.query(name, rr_type::txt);
		if (answer.status != dns_status::ok || is_failure(answer) ||
		    answer.records.size() != 1 || !is_printable_ascii(answer.records.front()))
			return {};
		auto text = spf::expand_macros(answer.records.front(), values_,
		                               spf::macro_use::explanation);
		if (!text || !is_printable_ascii(*text))
			return {};
		return std::move(*text);
	}

	verdict follow_redirect(std::string const &spec, bool explain_fail)
	{
		std::string term = "redirect=" + spec;
		auto counted = count_dns_term(term);
		if (!counted)
			return counted.error();
		auto target = expand_domain(spec, term);
		if (!target)
			return target.error();
		auto inner = check_host(*target, explain_fail);
		if (inner.result == spf_result::none)
			return stop(spf_result::permerror, term + ": " + inner.reason);
		inner.reason = term + ": " + inner.reason;
		return inner;
	}

	// `explain_fail`: expand exp= on fail (not for include: RFC 7208 6.2).
	verdict check_host(std::string const &domain, bool explain_fail)
	{
		if (!spf::is_queryable(domain))
			return stop(spf_result::none, "\"" + domain + "\" is not a valid domain");
		auto text = fetch_record(domain);
		if (!text)
			return text.error();
		auto rec = spf::parse_record(*text);
		if (!rec)
			return stop(spf_result::permerror,
			            "syntax error in SPF record of " + domain + ": " + rec.error());
		domain_scope scope(values_, domain);
		for (auto const &mech : rec->mechanisms) {
			include_reason_.clear();
			auto matched = matches(mech);
			if (!matched)
				return matched.error();
			if (!*matched)
				continue;
			verdict v{result_of(mech.qual), "matched " + mech.text, {}};
			if (!include_reason_.empty())
				v.reason += " (" + include_reason_ + ")";
			if (v.result == spf_result::fail && rec->exp && explain_fail)
				v.explanation = explain(*rec->exp);
			return v;
		}
		if (rec->redirect)
			return follow_redirect(*rec->redirect, explain_fail);
		return stop(spf_result::neutral, "no mechanism matched at " + domain);
	}

	// %{p}: a validated name of the client, preferring <domain> itself,
	// then its subdomains, then any (RFC 7208 7.3).
	std::string validated_name()
	{
		if (!validated_) {
			validated_.emplace();
			for (auto const &name : client_names().names) {
				if (validates(name))
					validated_->push_back(name);
			}
		}
		auto const &names = *validated_;
		for (auto const &name : names) {
			if (within(name, values_.domain) && within(values_.domain, name))
				return name;
		}
		for (auto const &name : names) {
			if (within(name, values_.domain))
				return name;
		}
		return names.empty() ? "unknown" : names.front();
	}

	dns_source &dns_;
	spf::macro_values values_;
	int dns_terms_ = 0;
	int voids_ = 0;
	bool answers_ = false;
	dnssec_state weakest_ = dnssec_state::indeterminate;
	std::string include_reason_;
	std::optional<reverse_names> reverse_;
	std::map<std::string, bool> validation_;
	std::optional<std::vector<std::string>> validated_;
};

spf_outcome outcome(spf_result result, std::string reason)
{
	spf_outcome out;
	out.result = result;
	out.reason = std::move(reason);
	return out;
}

spf_outcome check(dns_source &dns, spf_request const &request)
{
	auto client = spf::parse_client_address(request.client_ip);
	if (!client)
		return outcome(spf_result::temperror,
		               "client address \"" + request.client_ip + "\" is not an IP address");
	std::string domain(without_trailing_dot(request.domain));
	if (!is_checkable_domain(domain))
		return outcome(spf_result::none,
		               "\"" + request.domain + "\" is not a valid multi-label domain name");

	spf::macro_values values;
	auto at = request.sender.rfind('@');
	if (at == std::string::npos) {
		values.sender_domain = request.sender.empty() ? domain : request.sender;
	} else {
		values.local_part = request.sender.substr(0, at);
		values.sender_domain = request.sender.substr(at + 1);
	}
	if (values.local_part.empty())
		values.local_part = "postmaster"; // RFC 7208 4.3
	values.sender = values.local_part + "@" + values.sender_domain;
	values.domain = domain;
	values.helo = request.helo;
	values.receiver = request.receiver;
	values.client = *client;
	values.now = static_cast<std::int64_t>(std::time(nullptr));

	evaluator eval(dns, std::move(values));
	return eval.run(domain);
}

} // namespace

spf_outcome spf_check(dns_source &dns, spf_request const &request)
{
	try {
		return check(dns, request);
	} catch (std::exception const &e) {
		return outcome(spf_result::temperror, std::string("SPF check failed: ") + e.what());
	} catch (...) {
		return outcome(spf_result::temperror, "SPF check failed: unknown error");
	}
}

} // namespace dtn
