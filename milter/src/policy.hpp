// What the filter decides for one SMTP transaction, without libmilter:
// the trust check behind a small interface, the configuration, and the
// facts the MTA reported. The libmilter glue (daemon.cpp) feeds it and
// turns its verdicts into replies, header changes and log lines, so
// everything here is testable in-process.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <1dtn/trust.hpp>

#include "address.hpp"
#include "auth_results.hpp"
#include "config.hpp"

namespace milter {

// The 1DTN trust check as the filter uses it. The daemon plugs in
// dtn::trust_checker on the validating resolver; tests plug in fakes.
// Implementations must be thread-safe: sessions call concurrently.
class trust_engine {
      public:
	virtual ~trust_engine() = default;
	virtual dtn::sender_check check_sender(dtn::sender_facts const &facts) = 0;
	virtual dtn::decision decide(dtn::sender_check const &sender,
	                             std::string_view recipient_domain,
	                             std::optional<dtn::dkim_check> const &dkim) = 0;
};

std::string_view result_name(dtn::result r);
std::string_view spf_name(dtn::spf_result r);
std::string_view dnssec_name(dtn::dnssec_state s);

// Facts of the SMTP connection.
struct connection_facts {
	std::string client_ip;   // "" when the MTA did not say (e.g. local pipe)
	std::string client_name; // "[192.0.2.1]" or a host name
	std::string helo;
};

enum class verdict_action { accept, reject, tempfail };

// The answer for one recipient (at RCPT) or the message (at end of data).
struct verdict {
	verdict_action action = verdict_action::accept;
	std::string smtp_code;     // "550", "451" when not accepted
	std::string extended_code; // "5.7.1", "4.7.1"
	std::string text;          // reply text, printable ASCII
	std::string result;        // pass fail temperror permerror skipped exempt pending
	std::string reason;        // one line for the log
	bool would_reject = false; // refused if the policy were strict (monitor, accept)
	bool checked = false;      // a 1DTN decision was made (vs. skipped)
};

// One recipient domain decided in this transaction.
struct domain_decision {
	std::string domain;
	dtn::decision decision;
	bool outbound = false;
};

// State of one transaction (MAIL FROM to end of data or abort).
struct transaction {
	std::string queue_id;
	std::string mail_from; // as given, brackets stripped
	mailbox sender;
	std::string auth_user; // {auth_authen}; "" when not authenticated
	std::optional<dtn::sender_check> sender_check;
	std::vector<domain_decision> domains;
	std::vector<std::string> outbound_warnings; // header texts to add
};

// What to do at end of data.
struct message_verdict {
	verdict overall; // accept, or refuse the message
	std::vector<std::pair<std::string, verdict>> late_decisions; // domain -> DKIM-time verdict
	std::string auth_results;                                    // header value; "" = add none
	std::vector<std::string> warnings;                           // X-1DTN-Warning values to add
};

class policy {
      public:
	policy(std::shared_ptr<const config> cfg, std::shared_ptr<trust_engine> engine);

	config const &settings() const { return *cfg_; }

	// Starts a transaction at MAIL FROM.
	transaction begin(std::string_view mail_from, std::string_view queue_id,
	                  std::string_view auth_user) const;

	verdict judge_recipient(connection_facts const &conn, transaction &tx,
	                        std::string_view recipient) const;

	message_verdict finish_message(connection_facts const &conn, transaction &tx) const;

      private:
	verdict judge_inbound(connection_facts const &conn, transaction &tx,
	                      mailbox const &rcpt) const;
	verdict judge_outbound(transaction &tx, mailbox const &rcpt) const;
	dtn::sender_check const &sender_check(connection_facts const &conn, transaction &tx) const;
	verdict map_inbound(dtn::decision const &d, std::string_view sender_domain,
	                    std::string_view rcpt_domain) const;
	std::vector<auth_result> auth_entries(transaction const &tx) const;

	std::shared_ptr<const config> cfg_;
	std::shared_ptr<trust_engine> engine_;
};

} // namespace milter
