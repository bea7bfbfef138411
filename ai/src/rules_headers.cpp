// Header rules: who the message claims to be from, against where
// replies and bounces go, and whether Date and Message-ID are what
// every real mail system writes.
#include <algorithm>
#include <array>
#include <string_view>

#include "ai/rules.hpp"
#include "ai/domain.hpp"
#include "text.hpp"

namespace ai {
namespace {

bool in_set(char c, std::string_view set)
{
	return set.find(c) != std::string_view::npos;
}

// The first addr-spec written inside a display name, or "".
std::string address_in(std::string_view display)
{
	auto at = display.find('@');
	if (at == std::string_view::npos)
		return {};
	constexpr std::string_view local_chars =
	        "abcdefghijklmnopqrstuvwxyz"
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-";
	constexpr std::string_view domain_chars = "abcdefghijklmnopqrstuvwxyz"
	                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
	std::size_t begin = at;
	while (begin > 0 && in_set(display[begin - 1], local_chars))
		--begin;
	std::size_t end = at + 1;
	while (end < display.size() && in_set(display[end], domain_chars))
		++end;
	auto domain = display.substr(at + 1, end - at - 1);
	while (!domain.empty() && domain.back() == '.')
		domain.remove_suffix(1);
	if (begin == at || domain.find('.') == std::string_view::npos)
		return {};
	return std::string(display.substr(begin, at - begin + 1)) + std::string(domain);
}

std::vector<std::string> split_tokens(std::string_view value)
{
	std::vector<std::string> tokens;
	std::string current;
	for (char c : value) {
		if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
			if (!current.empty())
				tokens.push_back(std::move(current));
			current.clear();
		} else {
			current += c;
		}
	}
	if (!current.empty())
		tokens.push_back(std::move(current));
	return tokens;
}

bool all_digits(std::string_view s)
{
	return !s.empty() && std::all_of(s.begin(), s.end(), text::is_digit);
}

bool is_month(std::string_view token)
{
	constexpr std::array months{"jan", "feb", "mar", "apr", "may", "jun",
	                            "jul", "aug", "sep", "oct", "nov", "dec"};
	auto lowered = text::lower_ascii(token.substr(0, 3));
	return token.size() >= 3 &&
	       std::find(months.begin(), months.end(), lowered) != months.end();
}

bool is_time(std::string_view token)
{
	// hh:mm or hh:mm:ss
	if (token.size() != 5 && token.size() != 8)
		return false;
	for (std::size_t i = 0; i < token.size(); ++i) {
		bool colon = i == 2 || i == 5;
		if (colon ? token[i] != ':' : !text::is_digit(token[i]))
			return false;
	}
	int hours = (token[0] - '0') * 10 + (token[1] - '0');
	int minutes = (token[3] - '0') * 10 + (token[4] - '0');
	return hours < 24 && minutes < 60;
}

bool is_zone(std::string_view token)
{
	if (token.size() == 5 && (token[0] == '+' || token[0] == '-'))
		return all_digits(token.substr(1));
	// RFC 822's obsolete zones (UT, GMT, EST...) and military letters.
	return !token.empty() && token.size() <= 5 &&
	       std::all_of(token.begin(), token.end(), text::is_alpha);
}

enum class date_quality { good, no_zone, malformed };

// A lenient RFC 5322 date: [day-name,] day month year time zone, with
// the obsolete forms (two-digit years, named zones) accepted.
date_quality judge_date(std::string_view value)
{
	auto tokens = split_tokens(value);
	std::size_t i = 0;
	if (i < tokens.size() && !tokens[i].empty() && text::is_alpha(tokens[i][0]) &&
	    !is_month(tokens[i]))
		++i; // day name
	if (i + 3 > tokens.size())
		return date_quality::malformed;
	auto const &day = tokens[i], &month = tokens[i + 1], &year = tokens[i + 2];
	bool day_ok =
	        all_digits(day) && day.size() <= 2 && std::stoi(day) >= 1 && std::stoi(day) <= 31;
	bool year_ok = all_digits(year) && (year.size() == 2 || year.size() == 4);
	if (!day_ok || !is_month(month) || !year_ok)
		return date_quality::malformed;
	if (i + 3 >= tokens.size() || !is_time(tokens[i + 3]))
		return date_quality::malformed;
	if (i + 4 >= tokens.size() || !is_zone(tokens[i + 4]))
		return date_quality::no_zone;
	return date_quality::good;
}

// <left@right>, no spaces, both sides non-empty.
bool message_id_well_formed(std::string_view id)
{
	id = text::trim(id);
	if (id.size() < 5 || id.front() != '<' || id.back() != '>')
		return false;
	auto inner = id.substr(1, id.size() - 2);
	auto at = inner.rfind('@');
	if (at == std::string_view::npos || at == 0 || at + 1 == inner.size())
		return false;
	return inner.find_first_of(" \t<>") == std::string_view::npos;
}

bool has_header(parsed_message const &msg, std::string_view name)
{
	return std::any_of(msg.headers.begin(), msg.headers.end(),
	                   [&](auto const &h) { return text::lower_ascii(h.first) == name; });
}

void date_signals(parsed_message const &msg, std::vector<signal> &out)
{
	if (text::trim(msg.date).empty() && !has_header(msg, "date")) {
		out.push_back({"header.date_missing", "no Date header", 1.0});
		return;
	}
	switch (judge_date(msg.date)) {
	case date_quality::good:
		break;
	case date_quality::no_zone:
		out.push_back({"header.date_malformed", "Date has no time zone: " + msg.date, 0.5});
		break;
	case date_quality::malformed:
		out.push_back({"header.date_malformed",
		               "Date is not an RFC 5322 date: " + msg.date.substr(0, 80), 1.0});
		break;
	}
}

void message_id_signals(parsed_message const &msg, std::vector<signal> &out)
{
	if (text::trim(msg.message_id).empty() && !has_header(msg, "message-id"))
		out.push_back({"header.message_id_missing", "no Message-ID header", 1.0});
	else if (!message_id_well_formed(msg.message_id))
		out.push_back({"header.message_id_malformed",
		               "Message-ID is not <left@right>: " + msg.message_id.substr(0, 80),
		               1.0});
}

// The envelope sender's domain, or "" for the null sender or none.
std::string envelope_domain(std::string_view envelope_from)
{
	auto trimmed = text::trim(envelope_from);
	if (trimmed.empty() || trimmed == "<>")
		return {};
	return address_domain(trimmed);
}

void sender_signals(parsed_message const &msg, rule_context const &ctx, std::vector<signal> &out)
{
	auto from_domain = address_domain(msg.from_address);
	auto from_org = org_domain(from_domain);
	if (from_domain.empty()) {
		out.push_back({"from.missing", "no usable From address", 1.0});
		return;
	}

	auto shown = address_in(msg.from_display);
	if (!shown.empty() && org_domain(address_domain(shown)) != from_org)
		out.push_back({"from.display_name_address",
		               "display name shows " + shown + ", address is " + msg.from_address,
		               1.0});

	auto reply_domain = address_domain(msg.reply_to);
	bool reply_elsewhere = !reply_domain.empty() && org_domain(reply_domain) != from_org;
	if (reply_elsewhere)
		out.push_back({"from.reply_to_domain",
		               "Reply-To " + msg.reply_to + " is outside From domain " + from_org,
		               1.0});

	auto bounce_domain = envelope_domain(ctx.envelope_from);
	bool bounce_elsewhere = !bounce_domain.empty() && org_domain(bounce_domain) != from_org;
	if (bounce_elsewhere)
		out.push_back({"from.envelope_domain",
		               "envelope sender domain " + bounce_domain + " differs from From " +
		                       from_org,
		               1.0});

	for (auto const &[header, domain] :
	     {std::pair{"From", from_domain}, std::pair{"Reply-To", reply_domain},
	      std::pair{"display name", address_domain(shown)}}) {
		auto imitated = imitated_trusted_domain(domain, ctx.trusted_domains);
		if (!imitated.empty()) {
			out.push_back({"from.lookalike_trusted",
			               std::string(header) + " domain " + domain +
			                       " imitates trusted " + imitated,
			               1.0});
			break;
		}
	}

	bool trusted = std::any_of(
	        ctx.trusted_domains.begin(), ctx.trusted_domains.end(), [&](auto const &t) {
		        return org_domain(text::lower_ascii(text::trim(t))) == from_org;
	        });
	if (trusted && !reply_elsewhere && !bounce_elsewhere)
		out.push_back(
		        {"from.trusted_domain", "From " + from_org + " is a trusted domain", 1.0});
}

} // namespace

std::vector<signal> header_signals(parsed_message const &msg, rule_context const &ctx)
{
	std::vector<signal> out;
	sender_signals(msg, ctx, out);
	date_signals(msg, out);
	message_id_signals(msg, out);
	return out;
}

std::vector<signal> content_signals(parsed_message const &msg, rule_context const &ctx)
{
	auto out = header_signals(msg, ctx);
	auto links = link_signals(msg, ctx);
	auto lures = lure_signals(msg);
	out.insert(out.end(), links.begin(), links.end());
	out.insert(out.end(), lures.begin(), lures.end());
	return out;
}

} // namespace ai
