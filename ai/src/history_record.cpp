#include "ai/history_record.hpp"

#include <algorithm>
#include <limits>

namespace ai {
namespace {

constexpr std::array<std::string_view, history_verdict_count> verdict_names{"accept", "tag",
                                                                            "quarantine", "reject"};

std::string lower_ascii(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

// Truncates to at most `limit` bytes without cutting a UTF-8 sequence.
std::string truncated(std::string s, std::size_t limit)
{
	if (s.size() <= limit)
		return s;
	std::size_t end = limit;
	while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
		--end;
	s.resize(end);
	return s;
}

std::string normalized_name(std::string_view name)
{
	return truncated(lower_ascii(name), history_max_item_bytes);
}

// Counts one more message with `name`, evicting the weakest entry of a
// full set (lowest count; among equals, the last by name).
void bump(std::vector<counted_item> &set, std::string const &name)
{
	auto by_name = [](counted_item const &item, std::string const &n) { return item.name < n; };
	auto at = std::lower_bound(set.begin(), set.end(), name, by_name);
	if (at != set.end() && at->name == name) {
		if (at->count < std::numeric_limits<std::uint32_t>::max())
			++at->count;
		return;
	}
	if (set.size() >= history_max_items) {
		auto victim = set.begin();
		for (auto i = set.begin(); i != set.end(); ++i)
			if (i->count <= victim->count)
				victim = i;
		set.erase(victim);
		at = std::lower_bound(set.begin(), set.end(), name, by_name);
	}
	set.insert(at, counted_item{name, 1});
}

std::optional<std::string> set_problem(std::vector<counted_item> const &set, std::string_view what,
                                       std::uint64_t messages)
{
	if (set.size() > history_max_items)
		return std::string(what) + ": more than the allowed number of entries";
	std::uint64_t total = 0;
	for (std::size_t i = 0; i < set.size(); ++i) {
		auto const &item = set[i];
		if (item.name.empty() || item.name.size() > history_max_item_bytes)
			return std::string(what) + ": empty or oversized name";
		if (i > 0 && !(set[i - 1].name < item.name))
			return std::string(what) + ": names not sorted and unique";
		if (item.count == 0 || item.count > messages)
			return std::string(what) + ": count out of range";
		total += item.count;
	}
	if (what == "reply-to domains" && total > messages)
		return std::string(what) + ": more Reply-To domains than messages";
	return std::nullopt;
}

} // namespace

std::string_view to_string(history_verdict verdict)
{
	return verdict_names[static_cast<std::size_t>(verdict)];
}

std::optional<history_verdict> history_verdict_from(std::string_view name)
{
	for (std::size_t i = 0; i < verdict_names.size(); ++i)
		if (verdict_names[i] == name)
			return static_cast<history_verdict>(i);
	return std::nullopt;
}

history_facts normalized(history_facts const &facts)
{
	history_facts out;
	for (auto const &type : facts.attachment_types) {
		std::string name = normalized_name(type);
		if (!name.empty())
			out.attachment_types.push_back(std::move(name));
	}
	std::sort(out.attachment_types.begin(), out.attachment_types.end());
	auto last = std::unique(out.attachment_types.begin(), out.attachment_types.end());
	out.attachment_types.erase(last, out.attachment_types.end());
	if (out.attachment_types.size() > history_max_types_per_message)
		out.attachment_types.resize(history_max_types_per_message);
	out.reply_to_domain = normalized_name(facts.reply_to_domain);
	while (!out.reply_to_domain.empty() && out.reply_to_domain.back() == '.')
		out.reply_to_domain.pop_back();
	return out;
}

bool is_expired(history_record const &record, std::int64_t now, std::chrono::seconds expiry)
{
	return now - record.last_seen > expiry.count();
}

void apply_observation(history_record &record, history_observation const &observation)
{
	std::int64_t now = observation.now;
	if (record.messages == 0) {
		record.first_seen = now;
		record.last_seen = now;
	}
	record.first_seen = std::min(record.first_seen, now);
	record.last_seen = std::max(record.last_seen, now);
	++record.messages;
	++record.verdicts[static_cast<std::size_t>(observation.verdict)];
	for (auto const &type : observation.facts.attachment_types)
		bump(record.attachment_types, type);
	if (!observation.facts.reply_to_domain.empty())
		bump(record.reply_to_domains, observation.facts.reply_to_domain);
}

std::optional<std::string> record_problem(history_record const &record)
{
	if (record.messages == 0)
		return "no messages counted";
	if (record.first_seen < 0 || record.first_seen > record.last_seen)
		return "first seen after last seen";
	std::uint64_t verdicts = 0;
	for (auto v : record.verdicts) {
		if (v > record.messages - verdicts)
			return "verdict counts exceed the message count";
		verdicts += v;
	}
	if (verdicts != record.messages)
		return "verdict counts do not add up to the message count";
	if (auto problem =
	            set_problem(record.attachment_types, "attachment types", record.messages))
		return problem;
	return set_problem(record.reply_to_domains, "reply-to domains", record.messages);
}

} // namespace ai
