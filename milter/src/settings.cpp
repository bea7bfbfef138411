#include "settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace milter {
namespace {

using st = setting_type;

// Every key of 1dall-milter.conf(5). Keep man/1dall-milter.conf.5 and
// etc/1dall-milter.conf in step: test/milter/settings_test.cpp fails
// when they drift from this table.
constexpr std::array<setting_spec, 19> table{{
        {"Mode", st::choice, "enforce", true,
         "enforce refuses untrusted mail; monitor never refuses, it adds the "
         "headers and logs what it would have refused",
         "enforce|monitor"},
        {"AllowInsecure", st::boolean, "yes", true,
         "whether answers from unsigned (DNSSEC-insecure) zones may yield pass"},
        {"LocalDomains", st::list, "none", true,
         "the domains this host receives mail for; recipients in other domains "
         "are not checked inbound (none: every recipient domain is local)"},
        {"ExemptRecipients", st::list, "postmaster@, abuse@", true,
         "recipients that always receive mail: local@ (that mailbox in every "
         "local domain), local@domain, or @domain"},
        {"TrustedNetworks", st::list, "127.0.0.0/8, ::1", true,
         "client networks (address or address/prefix) whose mail skips the "
         "inbound check"},
        {"SkipAuthenticated", st::boolean, "yes", true,
         "whether SMTP-AUTH authenticated senders skip the inbound check"},
        {"OutboundCheck", st::choice, "off", true,
         "for authenticated senders, what to do when the recipient domain does "
         "not trust the sender domain: off, warn (add a header) or refuse",
         "off|warn|refuse"},
        {"OnTempError", st::choice, "tempfail", true,
         "what a temporary error (DNS timeout, SERVFAIL, bogus answer) does: "
         "tempfail answers 451, accept lets the mail in",
         "tempfail|accept"},
        {"DnsTimeout",
         st::integer,
         "5",
         true,
         "seconds one DNS lookup may take before it counts as a temporary error",
         {},
         1,
         120},
        {"TrustAnchorFile", st::string, "/usr/share/dns/root.key", true,
         "DNSSEC trust anchor (root key) file for the validating resolver"},
        {"Forwarders", st::list, "none", true,
         "resolvers to forward queries to (address or address@port); none "
         "resolves from the root"},
        {"CacheEntries",
         st::integer,
         "100000",
         true,
         "decisions kept in the trust cache",
         {},
         0,
         100000000},
        {"AuthservId", st::string, "", true,
         "authserv-id of the Authentication-Results header this host adds "
         "(default: the host name)"},
        {"StatsInterval",
         st::integer,
         "300",
         true,
         "seconds between statistics log lines (0: never)",
         {},
         0,
         86400},
        {"Socket", st::string, "inet:8895@127.0.0.1", false,
         "where the milter listens: inet:PORT@HOST, inet6:PORT@HOST or "
         "unix:PATH"},
        {"User", st::string, "_1dallmail", false,
         "the user to run as after opening the socket (none: keep the "
         "starting user)"},
        {"PidFile", st::string, "/run/1dallmail/1dall-milter.pid", false,
         "where the process id is written (none: no pid file)"},
        {"SyslogFacility", st::choice, "mail", false, "syslog facility of the log lines",
         "mail|daemon|user|local0|local1|local2|local3|local4|local5|local6|local7"},
        {"SessionTimeout",
         st::integer,
         "300",
         false,
         "seconds the MTA may stay silent within one milter session",
         {},
         1,
         3600},
}};

bool iequal(std::string_view a, std::string_view b)
{
	return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
		return std::tolower(static_cast<unsigned char>(x)) ==
		       std::tolower(static_cast<unsigned char>(y));
	});
}

std::string_view trim(std::string_view s)
{
	auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
	while (!s.empty() && is_space(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && is_space(s.back()))
		s.remove_suffix(1);
	return s;
}

std::vector<std::string> split_list(std::string_view value)
{
	std::vector<std::string> items;
	std::string current;
	for (char c : value) {
		if (c == ',' || c == ' ' || c == '\t') {
			if (!current.empty())
				items.push_back(std::move(current));
			current.clear();
		} else {
			current += c;
		}
	}
	if (!current.empty())
		items.push_back(std::move(current));
	if (items.size() == 1 && iequal(items.front(), "none"))
		items.clear();
	return items;
}

bool is_choice(setting_spec const &spec, std::string_view value)
{
	std::string_view rest = spec.choices;
	while (!rest.empty()) {
		auto bar = rest.find('|');
		if (rest.substr(0, bar) == value)
			return true;
		rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
	}
	return false;
}

// Empty when `value` suits `spec`, else what is wrong with it.
std::string check_value(setting_spec const &spec, std::string_view value)
{
	long number = 0;
	switch (spec.type) {
	case st::boolean:
		return value == "yes" || value == "no" ? "" : "expected yes or no";
	case st::choice:
		return is_choice(spec, value) ? "" : "expected one of " + std::string(spec.choices);
	case st::integer: {
		auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
		if (ec != std::errc{} || end != value.data() + value.size())
			return "expected a number";
		if (number < spec.min || number > spec.max)
			return "expected a number from " + std::to_string(spec.min) + " to " +
			       std::to_string(spec.max);
		return "";
	}
	case st::string:
	case st::list:
		return value.empty() ? "expected a value" : "";
	}
	return "unknown type";
}

} // namespace

std::span<const setting_spec> settings_table()
{
	return table;
}

const setting_spec *find_setting(std::string_view name)
{
	auto it = std::find_if(table.begin(), table.end(),
	                       [&](auto const &s) { return iequal(s.name, name); });
	return it == table.end() ? nullptr : &*it;
}

std::string_view settings::get(std::string_view name) const
{
	auto it = values.find(name);
	return it == values.end() ? std::string_view{} : std::string_view{it->second};
}

bool settings::flag(std::string_view name) const
{
	return get(name) == "yes";
}

long settings::number(std::string_view name) const
{
	long n = 0;
	auto v = get(name);
	std::from_chars(v.data(), v.data() + v.size(), n);
	return n;
}

std::vector<std::string> settings::items(std::string_view name) const
{
	return split_list(get(name));
}

tl::expected<settings, std::string> parse_settings(std::string_view text,
                                                   std::string_view file_name)
{
	settings parsed;
	for (auto const &spec : table)
		parsed.values.emplace(spec.name, spec.default_value);

	std::size_t line_number = 0;
	while (!text.empty()) {
		++line_number;
		auto end = text.find('\n');
		std::string_view line = trim(text.substr(0, end));
		text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
		if (line.empty() || line.front() == '#')
			continue;

		auto where = std::string(file_name) + ":" + std::to_string(line_number) + ": ";
		auto gap = line.find_first_of(" \t");
		std::string_view key = line.substr(0, gap);
		std::string_view value =
		        gap == std::string_view::npos ? "" : trim(line.substr(gap));

		const setting_spec *spec = find_setting(key);
		if (spec == nullptr)
			return tl::unexpected(where + "unknown setting '" + std::string(key) + "'");
		if (auto problem = check_value(*spec, value); !problem.empty())
			return tl::unexpected(where + "invalid value '" + std::string(value) +
			                      "' for " + std::string(spec->name) + ": " + problem);
		parsed.values[std::string(spec->name)] = std::string(value);
	}
	return parsed;
}

std::string describe_settings(settings const &s)
{
	std::string out;
	for (auto const &spec : table) {
		out += spec.name;
		out += ' ';
		out += s.get(spec.name);
		out += '\n';
	}
	return out;
}

} // namespace milter
