// The SPF record grammar of RFC 7208 sections 4.6, 5 and 6: a record is
// parsed completely before evaluation, so that a syntax error anywhere
// yields permerror whatever the mechanisms before it would have matched.
#include "1dtn/spf_record.hpp"

#include <cctype>

namespace dtn::spf {
namespace {

using parse_error = tl::unexpected<std::string>;

std::string quoted(std::string_view text)
{
	return "\"" + std::string(text) + "\"";
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

bool iequals(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (std::size_t i = 0; i < a.size(); i++) {
		if (ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	}
	return true;
}

// name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
bool is_modifier_name(std::string_view name)
{
	if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
		return false;
	for (char c : name) {
		if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
		    c != '.')
			return false;
	}
	return true;
}

// A CIDR length: 1*DIGIT without leading zeros, at most `max`.
std::optional<int> parse_length(std::string_view digits, int max)
{
	if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0'))
		return std::nullopt;
	int value = 0;
	for (char c : digits) {
		if (c < '0' || c > '9')
			return std::nullopt;
		value = value * 10 + (c - '0');
	}
	if (value > max)
		return std::nullopt;
	return value;
}

bool all_digits(std::string_view text)
{
	if (text.empty())
		return false;
	for (char c : text) {
		if (c < '0' || c > '9')
			return false;
	}
	return true;
}

// Removes a trailing dual-cidr-length ("/24", "//64" or "/24//64") from
// `args` into the mechanism.
tl::expected<void, std::string> take_dual_cidr(std::string_view &args, mechanism &mech)
{
	for (int round = 0; round < 2; round++) {
		auto slash = args.rfind('/');
		if (slash == std::string_view::npos || !all_digits(args.substr(slash + 1)))
			return {};
		auto digits = args.substr(slash + 1);
		bool v6 = slash > 0 && args[slash - 1] == '/';
		if (v6 && round == 1)
			return {}; // "//n//m": left for the domain-spec check to refuse
		auto length = parse_length(digits, v6 ? 128 : 32);
		if (!length)
			return parse_error("invalid " + std::string(v6 ? "ip6" : "ip4") +
			                   " CIDR length /" + std::string(digits));
		(v6 ? mech.cidr6 : mech.cidr4) = *length;
		args = args.substr(0, v6 ? slash - 1 : slash);
		if (!v6)
			return {};
	}
	return {};
}

// [ ":" domain-spec ], required or optional.
tl::expected<void, std::string> take_domain_spec(std::string_view args, bool required,
                                                 mechanism &mech)
{
	if (args.empty()) {
		if (required)
			return parse_error("missing \":domain\"");
		return {};
	}
	if (args[0] != ':')
		return parse_error("unexpected " + quoted(args));
	auto spec = args.substr(1);
	auto checked = check_domain_spec(spec);
	if (!checked)
		return parse_error(checked.error());
	mech.domain_spec = std::string(spec);
	return {};
}

// ip4:network[/length] or ip6:network[/length].
tl::expected<void, std::string> take_network(std::string_view args, bool v6, mechanism &mech)
{
	if (args.size() < 2 || args[0] != ':')
		return parse_error("missing \":network\"");
	args.remove_prefix(1);
	auto slash = args.find('/');
	auto network = args.substr(0, slash);
	auto ip = v6 ? parse_ip6(network) : parse_ip4(network);
	if (!ip)
		return parse_error("invalid address " + quoted(network));
	mech.network = *ip;
	if (slash == std::string_view::npos)
		return {};
	auto length = parse_length(args.substr(slash + 1), v6 ? 128 : 32);
	if (!length)
		return parse_error("invalid CIDR length " + quoted(args.substr(slash)));
	(v6 ? mech.cidr6 : mech.cidr4) = *length;
	return {};
}

std::optional<mechanism_kind> mechanism_named(std::string_view name)
{
	static constexpr std::pair<std::string_view, mechanism_kind> names[] = {
	        {"all", mechanism_kind::all}, {"include", mechanism_kind::include},
	        {"a", mechanism_kind::a},     {"mx", mechanism_kind::mx},
	        {"ptr", mechanism_kind::ptr}, {"ip4", mechanism_kind::ip4},
	        {"ip6", mechanism_kind::ip6}, {"exists", mechanism_kind::exists},
	};
	for (auto const &[text, kind] : names) {
		if (iequals(name, text))
			return kind;
	}
	return std::nullopt;
}

std::optional<qualifier> qualifier_of(char c)
{
	switch (c) {
	case '+':
		return qualifier::pass;
	case '-':
		return qualifier::fail;
	case '~':
		return qualifier::softfail;
	case '?':
		return qualifier::neutral;
	default:
		return std::nullopt;
	}
}

tl::expected<void, std::string> parse_arguments(std::string_view args, mechanism &mech)
{
	switch (mech.kind) {
	case mechanism_kind::all:
		if (!args.empty())
			return parse_error("\"all\" takes no argument");
		return {};
	case mechanism_kind::include:
	case mechanism_kind::exists:
		return take_domain_spec(args, true, mech);
	case mechanism_kind::ptr:
		return take_domain_spec(args, false, mech);
	case mechanism_kind::a:
	case mechanism_kind::mx: {
		auto cidr = take_dual_cidr(args, mech);
		if (!cidr)
			return cidr;
		return take_domain_spec(args, false, mech);
	}
	case mechanism_kind::ip4:
		return take_network(args, false, mech);
	case mechanism_kind::ip6:
		return take_network(args, true, mech);
	}
	return {};
}

tl::expected<mechanism, std::string> parse_directive(std::string_view term)
{
	mechanism mech;
	mech.text = std::string(term);
	if (auto qual = qualifier_of(term[0])) {
		mech.qual = *qual;
		term.remove_prefix(1);
	}
	auto name_end = term.find_first_of(":/");
	auto name = term.substr(0, name_end);
	auto kind = mechanism_named(name);
	if (!kind)
		return parse_error("unknown mechanism " + quoted(name));
	mech.kind = *kind;
	auto args = name_end == std::string_view::npos ? std::string_view{} : term.substr(name_end);
	auto parsed = parse_arguments(args, mech);
	if (!parsed)
		return parse_error(parsed.error());
	return mech;
}

tl::expected<void, std::string> parse_modifier(std::string_view name, std::string_view value,
                                               record &rec)
{
	if (!is_modifier_name(name))
		return parse_error("invalid modifier name " + quoted(name));
	auto key = lower(name);
	if (key == "redirect" || key == "exp") {
		auto &slot = key == "redirect" ? rec.redirect : rec.exp;
		if (slot)
			return parse_error(key + "= appears twice");
		auto checked = check_domain_spec(value);
		if (!checked)
			return parse_error(checked.error());
		slot = std::string(value);
		return {};
	}
	// Unknown modifiers are ignored, but their macros must be well formed.
	auto checked = check_macro_string(value, macro_use::explanation);
	if (!checked)
		return parse_error(checked.error());
	return {};
}

tl::expected<void, std::string> parse_term(std::string_view term, record &rec)
{
	auto split = term.find_first_of(":/=");
	if (split != std::string_view::npos && term[split] == '=')
		return parse_modifier(term.substr(0, split), term.substr(split + 1), rec);
	auto mech = parse_directive(term);
	if (!mech)
		return parse_error(mech.error());
	rec.mechanisms.push_back(std::move(*mech));
	return {};
}

} // namespace

bool is_spf_record(std::string_view txt)
{
	return txt.size() >= 6 && iequals(txt.substr(0, 6), "v=spf1") &&
	       (txt.size() == 6 || txt[6] == ' ');
}

tl::expected<record, std::string> parse_record(std::string_view text)
{
	if (!is_spf_record(text))
		return parse_error(std::string("not an SPF version 1 record"));
	for (std::size_t i = 0; i < text.size(); i++) {
		auto byte = static_cast<unsigned char>(text[i]);
		if (byte < 0x20 || byte > 0x7e)
			return parse_error("character " + std::to_string(byte) + " at offset " +
			                   std::to_string(i) + " is not printable ASCII");
	}
	record rec;
	std::string_view rest = text.substr(6);
	while (!rest.empty()) {
		auto space = rest.find(' ');
		auto term = rest.substr(0, space);
		rest = space == std::string_view::npos ? std::string_view{}
		                                       : rest.substr(space + 1);
		if (term.empty())
			continue;
		auto parsed = parse_term(term, rec);
		if (!parsed)
			return parse_error(quoted(term) + ": " + parsed.error());
	}
	return rec;
}

} // namespace dtn::spf
