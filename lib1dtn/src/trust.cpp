// decide(): trusted(S, R) = declares(S, R) and declares(R, S) and
// authentic(S), combined so that a definite answer wins (spec "Results").
#include "1dtn/trust.hpp"
#include "1dtn/domain.hpp"
#include "trust_impl.hpp"

namespace dtn {
namespace {

// The state of one of the three parts of the decision.
enum class verdict { holds, fails, perm, temp, pending };

struct part {
	verdict state = verdict::holds;
	std::string reason;
};

part declares(declaration const &x, std::string const &y)
{
	switch (x.status) {
	case declaration::state::missing:
		return {verdict::fails, x.domain + " publishes no 1DTN declaration"};
	case declaration::state::temperror:
		return {verdict::temp, x.domain + "'s declaration is unavailable: " + x.reason};
	case declaration::state::permerror:
		return {verdict::perm, x.domain + "'s declaration is invalid: " + x.reason};
	case declaration::state::found:
		break;
	}
	if (x.trusts(y))
		return {};
	return {verdict::fails, x.domain + " does not trust " + y};
}

part spf_part(sender_check const &sender, std::string const &domain)
{
	if (sender.spf == spf_result::pass)
		return {};
	std::string reason = "SPF " + std::string(to_string(sender.spf)) + " for " + domain;
	if (!sender.spf_reason.empty())
		reason += " (" + sender.spf_reason + ")";
	return {sender.spf == spf_result::temperror ? verdict::temp : verdict::fails, reason};
}

part dkim_part(dkim_check const &dkim, std::string const &domain)
{
	if (dkim.aligned_pass)
		return {};
	std::string reason = dkim.temporary ? "DKIM for " + domain + " failed temporarily"
	                                    : "no valid DKIM signature aligned with " + domain;
	if (!dkim.reason.empty())
		reason += " (" + dkim.reason + ")";
	return {dkim.temporary ? verdict::temp : verdict::fails, reason};
}

part pending_dkim(std::string const &domain)
{
	return {verdict::pending, domain + " asks for DKIM: decided at the end of data"};
}

part authentic(auth_method method, sender_check const &sender, std::string const &domain,
               std::optional<dkim_check> const &dkim)
{
	switch (method) {
	case auth_method::none:
		return {};
	case auth_method::spf:
		return spf_part(sender, domain);
	case auth_method::dkim:
		return dkim ? dkim_part(*dkim, domain) : pending_dkim(domain);
	case auth_method::spf_or_dkim:
		break;
	}
	auto spf = spf_part(sender, domain);
	if (spf.state == verdict::holds)
		return spf;
	if (!dkim)
		return pending_dkim(domain);
	auto signature = dkim_part(*dkim, domain);
	if (signature.state == verdict::holds)
		return signature;
	bool temporary = spf.state == verdict::temp || signature.state == verdict::temp;
	return {temporary ? verdict::temp : verdict::fails, spf.reason + "; " + signature.reason};
}

using parts_list = std::array<part, 3>;

// The first part in `state`, if any.
part const *first(parts_list const &parts, verdict state)
{
	for (auto const &p : parts)
		if (p.state == state)
			return &p;
	return nullptr;
}

void combine(decision &out, parts_list const &parts)
{
	static constexpr std::pair<verdict, result> order[] = {{verdict::fails, result::fail},
	                                                       {verdict::perm, result::permerror},
	                                                       {verdict::temp, result::temperror}};
	for (auto [state, outcome] : order)
		if (auto const *p = first(parts, state)) {
			out.outcome = outcome;
			out.reason = p->reason;
			return;
		}
	if (auto const *p = first(parts, verdict::pending)) {
		// Not a decision yet: temperror, so that a caller who ignores
		// needs_dkim defers rather than accepts.
		out.outcome = result::temperror;
		out.needs_dkim = true;
		out.reason = p->reason;
		return;
	}
	out.outcome = result::pass;
}

std::string pass_reason(declaration const &s, std::string const &recipient, bool weak)
{
	std::string reason;
	reason.reserve(2 * s.domain.size() + recipient.size() + 80);
	reason.append(s.domain).append(" and ").append(recipient).append(" trust each other; ");
	reason.append(s.domain);
	switch (s.auth) {
	case auth_method::none:
		break;
	case auth_method::spf:
		reason += " authenticated by SPF";
		break;
	case auth_method::dkim:
		reason += " authenticated by DKIM";
		break;
	case auth_method::spf_or_dkim:
		reason += " authenticated by SPF or DKIM";
		break;
	}
	if (weak)
		reason += " declares auth=none (weak: not authenticated)";
	return reason;
}

void add_dnssec(decision &out, dnssec_state state)
{
	out.dnssec = weaker(out.dnssec, state);
	if (state == dnssec_state::insecure)
		out.insecure = true;
}

decision invalid_input(std::string reason)
{
	decision out;
	out.outcome = result::permerror;
	out.reason = std::move(reason);
	return out;
}

} // namespace

trust_checker::trust_checker(std::shared_ptr<dns_source> dns, trust_options options)
    : impl_(std::make_unique<impl>(std::move(dns), options))
{}

trust_checker::~trust_checker() = default;

decision trust_checker::decide(sender_check const &sender, std::string_view recipient_domain,
                               std::optional<dkim_check> const &dkim)
{
	auto s_name = to_a_label(sender.sender_domain);
	if (!s_name)
		return invalid_input("sender domain is not a domain: " + s_name.error());
	auto r_name = to_a_label(recipient_domain);
	if (!r_name)
		return invalid_input("recipient domain is not a domain: " + r_name.error());

	bool s_fetched = false, r_fetched = false;
	auto s = impl_->declaration_of(*s_name, &s_fetched);
	auto r = *r_name == *s_name ? s : impl_->declaration_of(*r_name, &r_fetched);

	decision out;
	if (s_fetched)
		out.steps = s->steps;
	if (r != s && r_fetched)
		out.steps.insert(out.steps.end(), r->steps.begin(), r->steps.end());
	out.dnssec = s->dnssec;
	out.insecure = s->dnssec == dnssec_state::insecure;
	add_dnssec(out, r->dnssec);

	// The third part stays "holds" when S has no usable declaration:
	// the first part already decides.
	parts_list parts{declares(*s, *r_name), declares(*r, *s_name), part{}};
	if (s->status == declaration::state::found) {
		parts[2] = authentic(s->auth, sender, *s_name, dkim);
		out.weak_auth = s->auth == auth_method::none;
		bool spf_used =
		        s->auth == auth_method::spf ||
		        (s->auth == auth_method::spf_or_dkim && sender.spf == spf_result::pass);
		if (spf_used)
			add_dnssec(out, sender.dnssec);
	}
	combine(out, parts);

	if (out.outcome == result::pass) {
		out.reason = pass_reason(*s, *r_name, out.weak_auth);
		if (out.insecure && !impl_->options.allow_insecure) {
			out.outcome = result::fail;
			out.reason = "insecure (unsigned) DNS answers are not accepted by policy";
		} else if (out.insecure) {
			out.reason += " (insecure DNS)";
		}
	}
	return out;
}

} // namespace dtn
