#include "policy.hpp"

#include <algorithm>

namespace milter {
namespace {

verdict accepted(std::string result, std::string reason)
{
	verdict v;
	v.result = std::move(result);
	v.reason = std::move(reason);
	return v;
}

verdict refused(verdict_action action, std::string result, std::string reason, std::string text)
{
	verdict v;
	v.action = action;
	v.smtp_code = action == verdict_action::reject ? "550" : "451";
	v.extended_code = action == verdict_action::reject ? "5.7.1" : "4.7.1";
	v.result = std::move(result);
	v.reason = printable(reason);
	v.text = printable(text);
	v.checked = true;
	return v;
}

// Turns a refusal into an acceptance that is logged as "would reject".
verdict soften(verdict v)
{
	if (v.action == verdict_action::accept)
		return v;
	v.action = verdict_action::accept;
	v.would_reject = true;
	return v;
}

std::string dnssec_comment(dtn::decision const &d)
{
	std::string c = "dnssec=" + std::string(dnssec_name(d.dnssec));
	if (d.weak_auth)
		c += " auth=none";
	return c;
}

} // namespace

std::string_view result_name(dtn::result r)
{
	switch (r) {
	case dtn::result::pass:
		return "pass";
	case dtn::result::fail:
		return "fail";
	case dtn::result::temperror:
		return "temperror";
	case dtn::result::permerror:
		return "permerror";
	}
	return "temperror";
}

std::string_view spf_name(dtn::spf_result r)
{
	switch (r) {
	case dtn::spf_result::none:
		return "none";
	case dtn::spf_result::neutral:
		return "neutral";
	case dtn::spf_result::pass:
		return "pass";
	case dtn::spf_result::fail:
		return "fail";
	case dtn::spf_result::softfail:
		return "softfail";
	case dtn::spf_result::temperror:
		return "temperror";
	case dtn::spf_result::permerror:
		return "permerror";
	}
	return "temperror";
}

std::string_view dnssec_name(dtn::dnssec_state s)
{
	switch (s) {
	case dtn::dnssec_state::secure:
		return "secure";
	case dtn::dnssec_state::insecure:
		return "insecure";
	case dtn::dnssec_state::bogus:
		return "bogus";
	case dtn::dnssec_state::indeterminate:
		return "indeterminate";
	}
	return "indeterminate";
}

policy::policy(std::shared_ptr<const config> cfg, std::shared_ptr<trust_engine> engine)
    : cfg_(std::move(cfg)), engine_(std::move(engine))
{}

transaction policy::begin(std::string_view mail_from, std::string_view queue_id,
                          std::string_view auth_user) const
{
	transaction tx;
	tx.sender = parse_mailbox(mail_from);
	tx.mail_from = tx.sender.domain.empty() && tx.sender.local.empty()
	                       ? std::string{}
	                       : tx.sender.local + "@" + tx.sender.domain;
	tx.queue_id = std::string(queue_id);
	tx.auth_user = std::string(auth_user);
	return tx;
}

verdict policy::judge_recipient(connection_facts const &conn, transaction &tx,
                                std::string_view recipient) const
{
	mailbox rcpt = parse_mailbox(recipient);
	if (rcpt.domain.empty())
		return accepted("exempt", "recipient without a domain (local postmaster)");
	if (!tx.auth_user.empty() && cfg_->skip_authenticated)
		return judge_outbound(tx, rcpt);
	if (cfg_->is_trusted_client(conn.client_ip))
		return accepted("skipped", "client in TrustedNetworks");
	if (!cfg_->is_local_domain(rcpt.domain))
		return accepted("skipped", "recipient domain is not in LocalDomains");
	if (cfg_->is_exempt(rcpt.local, rcpt.domain))
		return accepted("exempt", "recipient in ExemptRecipients");
	return judge_inbound(conn, tx, rcpt);
}

dtn::sender_check const &policy::sender_check(connection_facts const &conn, transaction &tx) const
{
	if (!tx.sender_check) {
		dtn::sender_facts facts;
		facts.mail_from = tx.mail_from;
		facts.helo = conn.helo;
		facts.client_ip = conn.client_ip;
		tx.sender_check = engine_->check_sender(facts);
	}
	return *tx.sender_check;
}

verdict policy::judge_inbound(connection_facts const &conn, transaction &tx,
                              mailbox const &rcpt) const
{
	auto const &sender = sender_check(conn, tx);
	auto known = std::find_if(tx.domains.begin(), tx.domains.end(), [&](auto const &d) {
		return d.domain == rcpt.domain && !d.outbound;
	});
	if (known == tx.domains.end()) {
		domain_decision fresh{rcpt.domain, engine_->decide(sender, rcpt.domain, {}), false};
		tx.domains.push_back(std::move(fresh));
		known = tx.domains.end() - 1;
	}
	auto const &d = known->decision;
	if (d.needs_dkim && d.outcome != dtn::result::fail && d.outcome != dtn::result::permerror) {
		verdict v = accepted("pending", "sender requires DKIM; decided at end of data");
		v.checked = true;
		return v;
	}
	return map_inbound(d, sender.sender_domain, rcpt.domain);
}

verdict policy::map_inbound(dtn::decision const &d, std::string_view sender_domain,
                            std::string_view rcpt_domain) const
{
	std::string result(result_name(d.outcome));
	std::string who = std::string(sender_domain.empty() ? "(no sender domain)" : sender_domain);
	verdict v;
	switch (d.outcome) {
	case dtn::result::pass:
		v = accepted(result, d.reason);
		v.checked = true;
		return v;
	case dtn::result::fail:
	case dtn::result::permerror:
		v = refused(verdict_action::reject, result, d.reason,
		            "1DTN " + result + ": " + who + " has no 1DTN trust with " +
		                    std::string(rcpt_domain) + " (" + d.reason + ")");
		break;
	case dtn::result::temperror:
		v = refused(verdict_action::tempfail, result, d.reason,
		            "1DTN temperror: trust of " + who + " for " + std::string(rcpt_domain) +
		                    " cannot be checked now (" + d.reason + "); try again later");
		if (cfg_->on_temperror == temp_action::accept)
			v = soften(std::move(v));
		break;
	}
	if (cfg_->mode == run_mode::monitor)
		v = soften(std::move(v));
	return v;
}

verdict policy::judge_outbound(transaction &tx, mailbox const &rcpt) const
{
	if (cfg_->outbound == outbound_action::off)
		return accepted("skipped", "authenticated sender");
	if (tx.sender.domain.empty())
		return accepted("skipped", "authenticated sender without a domain");
	if (cfg_->is_local_domain(rcpt.domain) && !cfg_->local_domains.empty())
		return accepted("skipped", "authenticated sender to a local domain");

	dtn::sender_check self;
	self.sender_domain = tx.sender.domain;
	self.spf = dtn::spf_result::pass; // our own user, authenticated by SMTP AUTH
	self.spf_reason = "SMTP AUTH";
	auto d = engine_->decide(self, rcpt.domain, {});
	tx.domains.push_back({rcpt.domain, d, true});
	std::string result(result_name(d.outcome));
	if (d.outcome != dtn::result::fail && d.outcome != dtn::result::permerror) {
		verdict v = accepted(result, "outbound: " + d.reason);
		v.checked = true;
		return v;
	}
	std::string text = "1DTN: " + rcpt.domain + " does not trust " + tx.sender.domain + " (" +
	                   d.reason + "); it would refuse this message";
	if (cfg_->outbound == outbound_action::refuse && cfg_->mode == run_mode::enforce)
		return refused(verdict_action::reject, result, "outbound: " + d.reason, text);
	tx.outbound_warnings.push_back(printable(text));
	verdict v = accepted(result, "outbound warning: " + d.reason);
	v.checked = true;
	v.would_reject = cfg_->outbound == outbound_action::refuse;
	return v;
}

std::vector<auth_result> policy::auth_entries(transaction const &tx) const
{
	std::vector<auth_result> entries;
	bool inbound = std::any_of(tx.domains.begin(), tx.domains.end(),
	                           [](auto const &d) { return !d.outbound; });
	if (!inbound || !tx.sender_check)
		return entries;
	auto const &s = *tx.sender_check;
	auto identity = tx.mail_from.empty()
	                        ? std::pair{std::string("smtp.helo"), s.sender_domain}
	                        : std::pair{std::string("smtp.mailfrom"), tx.mail_from};
	auth_result spf{"spf", std::string(spf_name(s.spf)), s.spf_reason, {}, {identity}};
	entries.push_back(std::move(spf));
	for (auto const &d : tx.domains) {
		if (d.outbound)
			continue;
		auth_result r{
		        "x-1dtn",
		        std::string(result_name(d.decision.outcome)),
		        d.decision.reason,
		        dnssec_comment(d.decision),
		        {{"smtp.mailfrom", s.sender_domain}, {"policy.rcptdomain", d.domain}}};
		entries.push_back(std::move(r));
	}
	return entries;
}

message_verdict policy::finish_message(connection_facts const &, transaction &tx) const
{
	message_verdict out;
	dtn::dkim_check no_dkim;
	no_dkim.temporary = true;
	no_dkim.reason = "DKIM verification is not available in this build";
	for (auto &d : tx.domains) {
		if (d.outbound || !d.decision.needs_dkim || !tx.sender_check)
			continue;
		d.decision = engine_->decide(*tx.sender_check, d.domain, no_dkim);
		if (d.decision.needs_dkim && d.decision.outcome == dtn::result::pass) {
			// A checker must not pass a DKIM-only sender without a
			// signature check; never let that through silently.
			d.decision.outcome = dtn::result::temperror;
			d.decision.reason = no_dkim.reason;
		}
		verdict v = map_inbound(d.decision, tx.sender_check->sender_domain, d.domain);
		out.late_decisions.emplace_back(d.domain, v);
		bool worse = v.action == verdict_action::tempfail ||
		             (v.action == verdict_action::reject &&
		              out.overall.action == verdict_action::accept);
		if (worse)
			out.overall = v;
	}
	out.warnings = tx.outbound_warnings;
	auto entries = auth_entries(tx);
	if (!entries.empty())
		out.auth_results = format_auth_results(cfg_->authserv_id, entries);
	return out;
}

} // namespace milter
