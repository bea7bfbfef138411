#include "ai/history.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "ai/filename.hpp"

namespace ai {
namespace {

constexpr std::int64_t seconds_per_day = 86400;

std::string lower_trimmed(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '.'))
		s.remove_suffix(1);
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

std::string_view domain_of(std::string_view address)
{
	auto at = address.rfind('@');
	return at == std::string_view::npos ? std::string_view{} : address.substr(at + 1);
}

// Names come from mail: keep control characters out of report text,
// and very long names short.
std::string printable(std::string_view s)
{
	constexpr std::size_t limit = 256;
	std::string out(s.substr(0, limit));
	if (s.size() > limit)
		out += "...";
	for (char &c : out)
		if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
			c = '?';
	return out;
}

bool contains(std::vector<counted_item> const &set, std::string_view name)
{
	return std::any_of(set.begin(), set.end(),
	                   [&](counted_item const &item) { return item.name == name; });
}

// "application/pdf x12, image/png x3", most frequent first; "none".
std::string describe_usual(std::vector<counted_item> set)
{
	if (set.empty())
		return "none";
	std::stable_sort(set.begin(), set.end(),
	                 [](auto const &a, auto const &b) { return a.count > b.count; });
	std::string out;
	for (auto const &item : set) {
		if (!out.empty())
			out += ", ";
		out += printable(item.name) + " x" + std::to_string(item.count);
	}
	return out;
}

std::string day_of(std::int64_t t)
{
	std::time_t when = static_cast<std::time_t>(t);
	std::tm tm{};
	char buffer[16];
	if (gmtime_r(&when, &tm) == nullptr ||
	    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm) == 0)
		return "?";
	return buffer;
}

double habit_strength(std::uint64_t messages)
{
	return std::clamp(static_cast<double>(messages) / 10.0, 0.3, 1.0);
}

double badness(history_record const &r)
{
	double weighted = 0.25 * static_cast<double>(r.count(history_verdict::tag)) +
	                  0.6 * static_cast<double>(r.count(history_verdict::quarantine)) +
	                  1.0 * static_cast<double>(r.count(history_verdict::reject));
	return weighted / static_cast<double>(std::max<std::uint64_t>(r.messages, 1));
}

std::string verdict_summary(history_record const &r)
{
	std::string out = std::to_string(r.messages) + " messages:";
	for (std::size_t v = 0; v < history_verdict_count; ++v)
		out += " " + std::to_string(r.verdicts[v]) + " " +
		       std::string(to_string(static_cast<history_verdict>(v)));
	return out;
}

void first_contacts(std::vector<signal> &out, std::optional<history_record> const &sender,
                    std::optional<history_record> const &domain, std::string const &who,
                    std::string const &where)
{
	if (!who.empty() && !sender) {
		std::string detail = "no earlier mail from " + who + " on record";
		if (domain)
			detail += "; " + where + " sent " + std::to_string(domain->messages);
		out.push_back({"sender.first_contact", detail, domain ? 0.5 : 1.0});
	}
	if (!where.empty() && !domain)
		out.push_back({"domain.first_contact",
		               "no earlier mail from " + where + " on record", 1.0});
}

void new_types(std::vector<signal> &out, std::string_view rule, history_record const &r,
               std::string const &who, history_facts const &facts)
{
	std::string fresh;
	for (auto const &type : facts.attachment_types)
		if (!contains(r.attachment_types, type))
			fresh += (fresh.empty() ? "" : ", ") + printable(type);
	if (fresh.empty())
		return;
	out.push_back({std::string(rule),
	               fresh + " not sent by " + who +
	                       " before (usual: " + describe_usual(r.attachment_types) + ")",
	               habit_strength(r.messages)});
}

void reply_to_change(std::vector<signal> &out, history_record const &r, std::string const &who,
                     std::string const &where, history_facts const &facts)
{
	std::string const &reply = facts.reply_to_domain;
	if (reply.empty() || reply == where || contains(r.reply_to_domains, reply))
		return;
	if (reply.size() > where.size() && reply.ends_with("." + where))
		return;
	out.push_back({"sender.reply_to_changed",
	               "Reply-To " + printable(reply) + " not used by " + who +
	                       " before (usual: " + describe_usual(r.reply_to_domains) + ")",
	               habit_strength(r.messages)});
}

void bad_history(std::vector<signal> &out, std::string_view rule, history_record const &r,
                 std::string const &who, double threshold)
{
	double share = badness(r);
	if (share >= threshold && share > 0.0)
		out.push_back({std::string(rule), who + " earlier sent " + verdict_summary(r),
		               std::min(1.0, share)});
}

void dormancy(std::vector<signal> &out, history_record const &r, std::string const &who,
              std::int64_t now, history_policy const &policy)
{
	std::int64_t quiet = now - r.last_seen;
	std::int64_t limit = policy.dormant_after.count() * seconds_per_day;
	if (limit <= 0 || quiet < limit)
		return;
	double strength =
	        std::min(1.0, static_cast<double>(quiet) / (2.0 * static_cast<double>(limit)));
	out.push_back({"sender.dormant",
	               who + " is back after " + std::to_string(quiet / seconds_per_day) +
	                       " days of silence (last mail " + day_of(r.last_seen) + ")",
	               strength});
}

void established(std::vector<signal> &out, history_record const &r, std::string const &who,
                 std::int64_t now, history_policy const &policy)
{
	bool clean = r.count(history_verdict::accept) == r.messages;
	std::int64_t age = now - r.first_seen;
	if (!clean || r.messages < policy.established_messages ||
	    age < policy.established_age.count() * seconds_per_day)
		return;
	out.push_back({"sender.established",
	               who + " sent " + std::to_string(r.messages) + " accepted messages since " +
	                       day_of(r.first_seen),
	               1.0});
}

std::int64_t seconds(std::chrono::sys_seconds now)
{
	return std::max<std::int64_t>(0, now.time_since_epoch().count());
}

} // namespace

history_facts facts_from(parsed_message const &message)
{
	history_facts facts;
	for (auto const &a : message.attachments) {
		std::string type = !a.detected_type.empty() ? a.detected_type : a.declared_type;
		if (type.empty()) {
			std::string extension = filename_extension(a.filename);
			if (!extension.empty())
				type = "ext:" + extension;
		}
		if (!type.empty())
			facts.attachment_types.push_back(std::move(type));
	}
	facts.reply_to_domain = std::string(domain_of(message.reply_to));
	return normalized(facts);
}

std::optional<std::string> sender_key(std::string_view address)
{
	std::string key = lower_trimmed(address);
	if (key.empty() || key.size() > 320)
		return std::nullopt;
	return "s:" + key;
}

std::optional<std::string> domain_key(std::string_view domain)
{
	std::string key = lower_trimmed(domain);
	if (key.empty() || key.size() > 253)
		return std::nullopt;
	return "d:" + key;
}

std::vector<signal> history_signals(std::optional<history_record> const &sender,
                                    std::optional<history_record> const &domain,
                                    std::string_view sender_name, std::string_view domain_name,
                                    history_facts const &raw_facts, std::int64_t now,
                                    history_policy const &policy)
{
	history_facts facts = normalized(raw_facts);
	std::string who = printable(lower_trimmed(sender_name));
	std::string where = printable(lower_trimmed(domain_name));
	std::vector<signal> out;
	first_contacts(out, sender, domain, who, where);
	if (sender) {
		if (sender->messages >= policy.sender_habit_messages) {
			new_types(out, "sender.new_attachment_type", *sender, who, facts);
			reply_to_change(out, *sender, who, where, facts);
		}
		bad_history(out, "sender.bad_history", *sender, who, policy.bad_history_share);
		dormancy(out, *sender, who, now, policy);
		established(out, *sender, who, now, policy);
	}
	if (domain) {
		if (domain->messages >= policy.domain_habit_messages)
			new_types(out, "domain.new_attachment_type", *domain, where, facts);
		bad_history(out, "domain.bad_history", *domain, where, policy.bad_history_share);
	}
	return out;
}

sender_history::sender_history(std::unique_ptr<history_store> store, history_policy policy)
    : store_(std::move(store)), policy_(policy)
{}

tl::expected<void, history_error> sender_history::observe(std::string_view sender,
                                                          std::string_view domain,
                                                          history_facts const &facts,
                                                          history_verdict verdict,
                                                          std::chrono::sys_seconds now)
{
	if (domain.empty())
		domain = domain_of(sender);
	std::vector<std::string> keys;
	if (auto key = sender_key(sender))
		keys.push_back(std::move(*key));
	if (auto key = domain_key(domain))
		keys.push_back(std::move(*key));
	if (keys.empty())
		return {};
	return store_->record(keys, history_observation{normalized(facts), verdict, seconds(now)});
}

tl::expected<std::vector<signal>, history_error>
sender_history::signals_for(std::string_view sender, std::string_view domain,
                            history_facts const &facts, std::chrono::sys_seconds now)
{
	if (domain.empty())
		domain = domain_of(sender);
	auto skey = sender_key(sender);
	auto dkey = domain_key(domain);
	std::vector<std::string> keys;
	if (skey)
		keys.push_back(*skey);
	if (dkey)
		keys.push_back(*dkey);
	std::vector<history_lookup> found;
	if (!keys.empty()) {
		auto fetched = store_->fetch(keys, seconds(now));
		if (!fetched)
			return tl::unexpected(fetched.error());
		found = std::move(*fetched);
	}
	std::optional<history_record> sender_record;
	std::optional<history_record> domain_record;
	if (skey)
		sender_record = found[0].record;
	if (dkey)
		domain_record = found[skey ? 1 : 0].record;
	// An address too long to be keyed is still a first contact.
	return history_signals(sender_record, domain_record, sender, domain, facts, seconds(now),
	                       policy_);
}

} // namespace ai
