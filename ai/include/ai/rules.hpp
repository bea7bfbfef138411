// Content and context rules: what a message asks of its reader and what
// it carries, as named signals. Each rule has a stable id (the model
// weighs it by that id) and says in `detail` what it saw.
//
// Rule ids, by family:
//   link.*     link.text_domain_mismatch, link.ip_literal, link.shortener,
//              link.punycode, link.homograph, link.userinfo,
//              link.lookalike_trusted
//   lure.*     lure.invoice, lure.payment, lure.bank_change, lure.offer, lure.prize,
//              lure.credential, lure.account_threat, lure.urgency,
//              lure.urgent_attachment, lure.urgent_credential_form,
//              lure.credential_link
//   html.*     html.form, html.credential_form
//   from.*     from.missing, from.display_name_address, from.reply_to_domain,
//              from.envelope_domain, from.lookalike_trusted,
//              from.trusted_domain
//   header.*   header.date_missing, header.date_malformed,
//              header.message_id_missing, header.message_id_malformed
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ai/message.hpp"

namespace ai {

// What the gateway knows about a message beyond its bytes.
struct rule_context {
	// Domains the recipient trusts (partners, its own domains). Compared
	// by organisational domain; sub-domains are trusted with them.
	std::vector<std::string> trusted_domains;
	// SMTP MAIL FROM (without angle brackets); "" when unknown, "<>" or
	// "" for the null sender.
	std::string envelope_from;
};

std::vector<signal> link_signals(parsed_message const &msg, rule_context const &ctx);
std::vector<signal> lure_signals(parsed_message const &msg);
// The same, on visible text the caller already built (see visible_text).
std::vector<signal> lure_signals(parsed_message const &msg, std::string_view visible);
std::vector<signal> header_signals(parsed_message const &msg, rule_context const &ctx);

// Every content and context rule above, in a stable order.
std::vector<signal> content_signals(parsed_message const &msg, rule_context const &ctx);

// What the reader sees: subject, text parts and the text of the HTML
// parts, one after the other.
std::string visible_text(parsed_message const &msg);

// Lookalike test for one domain against the trusted list: returns the
// trusted domain it imitates, or "" when it imitates none (an exact or
// sub-domain match is trust, not imitation).
std::string imitated_trusted_domain(std::string_view domain,
                                    std::vector<std::string> const &trusted_domains);

} // namespace ai
