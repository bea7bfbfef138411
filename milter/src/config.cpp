#include "config.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

#include <syslog.h>

#include "address.hpp"

namespace milter {
namespace {

using error = tl::unexpected<std::string>;

int facility_code(std::string_view name)
{
	static constexpr std::pair<std::string_view, int> names[] = {
	        {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	        {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	        {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	        {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
	};
	for (auto const &[n, code] : names)
		if (n == name)
			return code;
	return LOG_MAIL;
}

bool valid_port(std::string_view digits, int &port)
{
	auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
	return !digits.empty() && ec == std::errc{} && end == digits.data() + digits.size() &&
	       port > 0 && port < 65536;
}

// Accepts what libmilter accepts and we can serve: inet:PORT@HOST,
// inet6:PORT@HOST, unix:PATH or local:PATH (absolute).
std::string check_socket(std::string_view spec)
{
	int port = 0;
	for (std::string_view prefix : {"inet:", "inet6:"}) {
		if (!spec.starts_with(prefix))
			continue;
		auto rest = spec.substr(prefix.size());
		auto at = rest.find('@');
		if (!valid_port(rest.substr(0, at), port))
			return "Socket '" + std::string(spec) + "': bad port";
		if (at != std::string_view::npos && at + 1 == rest.size())
			return "Socket '" + std::string(spec) + "': empty host after '@'";
		return "";
	}
	for (std::string_view prefix : {"unix:", "local:"})
		if (spec.starts_with(prefix) && spec.size() > prefix.size() + 1 &&
		    spec[prefix.size()] == '/')
			return "";
	return "Socket '" + std::string(spec) +
	       "': expected inet:PORT@HOST, inet6:PORT@HOST or unix:/PATH";
}

tl::expected<forwarder, std::string> parse_forwarder(std::string_view text)
{
	forwarder f;
	auto at = text.find('@');
	f.address = std::string(text.substr(0, at));
	if (!parse_ip(f.address))
		return error("Forwarders: '" + std::string(text) + "' is not an IP address");
	if (at != std::string_view::npos && !valid_port(text.substr(at + 1), f.port))
		return error("Forwarders: '" + std::string(text) + "' has a bad port");
	return f;
}

std::string check_exemption(std::string_view entry)
{
	auto at = entry.find('@');
	if (at == std::string_view::npos || entry.find('@', at + 1) != std::string_view::npos)
		return "ExemptRecipients: '" + std::string(entry) +
		       "' must be local@, local@domain or @domain";
	auto domain = entry.substr(at + 1);
	if (at == 0 && domain.empty())
		return "ExemptRecipients: '@' alone would exempt everyone";
	if (!domain.empty() && !plausible_domain(domain))
		return "ExemptRecipients: '" + std::string(entry) + "' has a bad domain";
	return "";
}

bool valid_authserv_id(std::string_view id)
{
	if (id.empty())
		return false;
	for (char c : id) {
		auto u = static_cast<unsigned char>(c);
		if (u <= 0x20 || u >= 0x7f || c == ';' || c == '(' || c == ')' || c == '"')
			return false;
	}
	return true;
}

std::string optional_value(settings const &s, std::string_view name)
{
	auto v = s.get(name);
	return v == "none" ? std::string{} : std::string(v);
}

// The list settings, checked and converted into `c`.
std::string fill_lists(config &c, settings const &s)
{
	for (auto const &d : s.items("LocalDomains")) {
		if (!plausible_domain(d))
			return "LocalDomains: '" + d + "' is not a domain";
		c.local_domains.push_back(to_lower(d));
	}
	for (auto const &e : s.items("ExemptRecipients")) {
		if (auto problem = check_exemption(e); !problem.empty())
			return problem;
		c.exempt.push_back(to_lower(e));
	}
	for (auto const &n : s.items("TrustedNetworks")) {
		auto net = parse_network(n);
		if (!net)
			return "TrustedNetworks: " + net.error();
		c.trusted_networks.push_back(*net);
	}
	for (auto const &f : s.items("Forwarders")) {
		auto fw = parse_forwarder(f);
		if (!fw)
			return fw.error();
		c.forwarders.push_back(*fw);
	}
	return "";
}

} // namespace

bool config::is_local_domain(std::string_view domain) const
{
	if (local_domains.empty())
		return true;
	for (auto const &d : local_domains)
		if (d == domain)
			return true;
	return false;
}

bool config::is_exempt(std::string_view local, std::string_view domain) const
{
	auto lower_local = to_lower(local);
	for (auto const &e : exempt) {
		auto at = e.find('@');
		std::string_view want_local = std::string_view(e).substr(0, at);
		std::string_view want_domain = std::string_view(e).substr(at + 1);
		bool local_ok = want_local.empty() || want_local == lower_local;
		bool domain_ok =
		        want_domain.empty() ? is_local_domain(domain) : want_domain == domain;
		if (local_ok && domain_ok)
			return true;
	}
	return false;
}

bool config::is_trusted_client(std::string_view ip) const
{
	auto address = parse_ip(ip);
	if (!address)
		return false;
	for (auto const &net : trusted_networks)
		if (net.contains(*address))
			return true;
	return false;
}

tl::expected<std::shared_ptr<const config>, std::string> build_config(settings const &source,
                                                                      std::string_view host_name)
{
	auto c = std::make_shared<config>();
	c->source = source;
	c->mode = source.get("Mode") == "monitor" ? run_mode::monitor : run_mode::enforce;
	c->allow_insecure = source.flag("AllowInsecure");
	c->skip_authenticated = source.flag("SkipAuthenticated");
	auto outbound = source.get("OutboundCheck");
	c->outbound = outbound == "warn"     ? outbound_action::warn
	              : outbound == "refuse" ? outbound_action::refuse
	                                     : outbound_action::off;
	c->on_temperror =
	        source.get("OnTempError") == "accept" ? temp_action::accept : temp_action::tempfail;
	c->dns_timeout_seconds = static_cast<int>(source.number("DnsTimeout"));
	c->trust_anchor_file = optional_value(source, "TrustAnchorFile");
	c->cache_entries = static_cast<std::size_t>(source.number("CacheEntries"));
	c->stats_interval_seconds = static_cast<int>(source.number("StatsInterval"));
	c->session_timeout_seconds = static_cast<int>(source.number("SessionTimeout"));
	c->syslog_facility = facility_code(source.get("SyslogFacility"));
	c->user = optional_value(source, "User");
	c->pid_file = optional_value(source, "PidFile");
	c->socket = std::string(source.get("Socket"));
	if (auto problem = check_socket(c->socket); !problem.empty())
		return error(problem);
	if (!c->pid_file.empty() && c->pid_file.front() != '/')
		return error("PidFile '" + c->pid_file + "' must be an absolute path");

	c->authserv_id = std::string(source.get("AuthservId"));
	if (c->authserv_id.empty())
		c->authserv_id = std::string(host_name);
	if (!valid_authserv_id(c->authserv_id))
		return error("AuthservId '" + c->authserv_id +
		             "' must be one token without spaces, ';' or parentheses");
	if (auto problem = fill_lists(*c, source); !problem.empty())
		return error(problem);
	return std::shared_ptr<const config>(std::move(c));
}

tl::expected<std::shared_ptr<const config>, std::string>
load_config(std::filesystem::path const &path, std::string_view host_name)
{
	std::ifstream in(path);
	if (!in)
		return error("cannot read " + path.string());
	std::stringstream text;
	text << in.rdbuf();
	auto parsed = parse_settings(text.str(), path.string());
	if (!parsed)
		return error(parsed.error());
	auto built = build_config(*parsed, host_name);
	if (!built)
		return error(path.string() + ": " + built.error());
	return built;
}

std::string startup_changes(config const &a, config const &b)
{
	std::string changed;
	for (auto const &spec : settings_table()) {
		if (spec.reloadable || a.source.get(spec.name) == b.source.get(spec.name))
			continue;
		if (!changed.empty())
			changed += ", ";
		changed += spec.name;
	}
	return changed;
}

} // namespace milter
