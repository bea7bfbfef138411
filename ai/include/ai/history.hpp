// Sender behaviour: what past mail from a sender address and its
// sending domain says about the message at hand.
//
// After each message is scored, observe() records it. Before scoring
// the next, signals_for() compares it with the record:
//
//   sender.first_contact        no mail from this address within the expiry period
//   domain.first_contact        no mail from this domain within the expiry period
//   sender.new_attachment_type  a type this address has not been sending
//   domain.new_attachment_type  a type nobody at this domain has been sending
//   sender.reply_to_changed     a Reply-To domain this address has not used
//   sender.bad_history          past mail from this address was tagged or worse
//   domain.bad_history          past mail from this domain was tagged or worse
//   sender.dormant              the address is back after a long silence
//   sender.established          long, clean history (a reassuring signal:
//                               the model may weigh it below zero)
//
// The clock is a parameter, so tests repeat exactly. A store failure
// comes back as an error: the caller scores the message without history
// and never loses it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "ai/history_record.hpp"
#include "ai/history_store.hpp"
#include "ai/message.hpp"

namespace ai {

// When history-based signals fire.
struct history_policy {
	// Messages an address needs before a change of habit counts.
	std::uint64_t sender_habit_messages = 3;
	// Messages a domain needs before a new attachment type counts.
	std::uint64_t domain_habit_messages = 10;
	// Share of bad past verdicts (tag 0.25, quarantine 0.6, reject 1
	// per message) from which the history counts as bad.
	double bad_history_share = 0.2;
	// Silence after which a returning address is "dormant".
	std::chrono::days dormant_after{60};
	// An "established" address: this many messages, over this long,
	// none of them tagged or worse.
	std::uint64_t established_messages = 20;
	std::chrono::days established_age{30};
};

// What the history takes from a parsed message: detected attachment
// types (the declared type, then "ext:" plus the extension, when
// detection gave nothing) and the Reply-To domain.
history_facts facts_from(parsed_message const &message);

// The record keys for an address and a domain: ASCII lower-cased,
// trailing dots removed. nullopt when there is nothing to key on or it
// is longer than any valid address (320 bytes) or domain (253 bytes).
std::optional<std::string> sender_key(std::string_view address);
std::optional<std::string> domain_key(std::string_view domain);

// The signals a message raises given the records of its sender and
// domain (nullopt = not seen). Pure: no store, no clock.
std::vector<signal> history_signals(std::optional<history_record> const &sender,
                                    std::optional<history_record> const &domain,
                                    std::string_view sender_name, std::string_view domain_name,
                                    history_facts const &facts, std::int64_t now,
                                    history_policy const &policy = {});

// A sender history on top of a store. Safe to share between threads.
class sender_history {
      public:
	explicit sender_history(std::unique_ptr<history_store> store, history_policy policy = {});

	// Records one scored message. `sender` is the address (envelope
	// or From, as the caller decides; "" for the null sender); `domain`
	// its sending domain ("" = the part of `sender` after the last '@').
	tl::expected<void, history_error> observe(std::string_view sender, std::string_view domain,
	                                          history_facts const &facts,
	                                          history_verdict verdict,
	                                          std::chrono::sys_seconds now);

	// The history signals for a message about to be scored.
	tl::expected<std::vector<signal>, history_error> signals_for(std::string_view sender,
	                                                             std::string_view domain,
	                                                             history_facts const &facts,
	                                                             std::chrono::sys_seconds now);

	history_store &store() { return *store_; }

      private:
	std::unique_ptr<history_store> store_;
	history_policy policy_;
};

} // namespace ai
