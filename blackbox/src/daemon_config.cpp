#include "blackbox/daemon_config.hpp"

#include <array>
#include <charconv>
#include <sstream>

#include "blackbox/sealed_table.hpp"

namespace blackbox {
namespace fs = std::filesystem;

namespace {

constexpr std::array<setting_info, 9> settings{{
        {"listen", "inet:127.0.0.1:10001", false,
         "Where to accept socketmap clients; may be repeated."},
        {"key_file", "/etc/blackbox/master.key", false,
         "The master key, read once at start before privileges are dropped."},
        {"user", "", false, "The account to run as after binding; required when started as root."},
        {"max_request", "4096", true, "Largest request payload in bytes."},
        {"max_clients", "256", true, "Most connections served at once."},
        {"idle_timeout", "300", true, "Seconds an idle connection is kept open."},
        {"request_timeout", "10", true,
         "Seconds allowed to finish sending a request or to read a reply."},
        {"check_interval", "2", true,
         "Seconds between checks of the table files for changes; 0 disables."},
        {"map", "", true, "NAME = FILE [TABLE]: serve the sealed table FILE as map NAME."},
}};

std::string trim(std::string const &s)
{
	std::size_t b = s.find_first_not_of(" \t\r");
	if (b == std::string::npos)
		return {};
	std::size_t e = s.find_last_not_of(" \t\r");
	return s.substr(b, e - b + 1);
}

std::vector<std::string> words(std::string const &s)
{
	std::istringstream in(s);
	std::vector<std::string> out;
	for (std::string w; in >> w;)
		out.push_back(w);
	return out;
}

tl::expected<long, std::string> parse_number(std::string const &value, long min, long max)
{
	long n = 0;
	auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
	if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max)
		return tl::make_unexpected("expected a number from " + std::to_string(min) +
		                           " to " + std::to_string(max));
	return n;
}

fs::path resolve(fs::path const &base, std::string const &value)
{
	fs::path p(value);
	return p.is_absolute() ? p : base / p;
}

struct parser {
	daemon_config config;
	fs::path base;
	bool listen_given = false;

	tl::expected<void, std::string> set_number(std::string const &value, long min, long max,
	                                           auto &field)
	{
		auto n = parse_number(value, min, max);
		if (!n)
			return tl::make_unexpected(n.error());
		field = static_cast<std::remove_reference_t<decltype(field)>>(*n);
		return {};
	}

	tl::expected<void, std::string> set_map(std::string const &name, std::string const &value)
	{
		auto parts = words(value);
		if (parts.empty() || parts.size() > 2)
			return tl::make_unexpected(
			        std::string("expected: map NAME = FILE [TABLE]"));
		for (auto const &m : config.maps)
			if (m.name == name)
				return tl::make_unexpected("map " + name + " is defined twice");
		map_config m;
		m.name = name;
		m.file = resolve(base, parts[0]);
		m.table = parts.size() == 2 ? parts[1] : name;
		if (m.table.size() > max_table_name)
			return tl::make_unexpected(std::string("table name too long"));
		config.maps.push_back(std::move(m));
		return {};
	}

	tl::expected<void, std::string> set(std::string const &key, std::string const &value)
	{
		auto parts = words(key);
		if (parts.size() == 2 && parts[0] == "map")
			return set_map(parts[1], value);
		if (parts.size() != 1)
			return tl::make_unexpected("unknown setting '" + key + "'");
		std::string const &name = parts[0];
		if (name == "listen") {
			auto address = parse_listen_address(value);
			if (!address)
				return tl::make_unexpected(address.error());
			if (!listen_given)
				config.listen.clear();
			listen_given = true;
			config.listen.push_back(*address);
			return {};
		}
		if (name == "key_file") {
			config.key_file = resolve(base, value);
			return {};
		}
		if (name == "user") {
			config.user = value;
			return {};
		}
		if (name == "max_request")
			return set_number(value, 64, 100000, config.max_request);
		if (name == "max_clients")
			return set_number(value, 1, 100000, config.max_clients);
		if (name == "idle_timeout")
			return set_number(value, 1, 86400, config.idle_timeout);
		if (name == "request_timeout")
			return set_number(value, 1, 3600, config.request_timeout);
		if (name == "check_interval")
			return set_number(value, 0, 3600, config.check_interval);
		if (name == "map")
			return tl::make_unexpected(
			        std::string("expected: map NAME = FILE [TABLE]"));
		return tl::make_unexpected("unknown setting '" + name + "'");
	}
};

} // namespace

std::span<setting_info const> daemon_settings()
{
	return settings;
}

tl::expected<listen_address, std::string> parse_listen_address(std::string const &text)
{
	listen_address a;
	a.text = text;
	if (text.rfind("unix:", 0) == 0) {
		a.kind = listen_address::family::unix_socket;
		a.path = text.substr(5);
		if (a.path.empty() || a.path.size() > 100)
			return tl::make_unexpected("bad unix socket path in '" + text + "'");
		return a;
	}
	if (text.rfind("inet:", 0) != 0)
		return tl::make_unexpected("listen address '" + text +
		                           "' must start with inet: or unix:");
	std::string rest = text.substr(5);
	std::size_t colon = rest.rfind(':');
	if (colon == std::string::npos || colon == 0)
		return tl::make_unexpected("listen address '" + text + "' needs HOST:PORT");
	a.host = rest.substr(0, colon);
	if (a.host.front() == '[' && a.host.back() == ']') {
		a.kind = listen_address::family::inet6;
		a.host = a.host.substr(1, a.host.size() - 2);
	}
	auto port = parse_number(rest.substr(colon + 1), 1, 65535);
	if (!port)
		return tl::make_unexpected("bad port in '" + text + "': " + port.error());
	a.port = static_cast<int>(*port);
	return a;
}

tl::expected<daemon_config, std::string>
parse_daemon_config(std::string const &text, std::string const &label, fs::path const &base_dir)
{
	parser p;
	p.base = base_dir;
	for (auto const &s : settings)
		if (*s.default_value != '\0')
			if (auto ok = p.set(s.name, s.default_value); !ok)
				return tl::make_unexpected("default of " + std::string(s.name) +
				                           ": " + ok.error());
	p.listen_given = false;

	std::istringstream in(text);
	std::string line;
	for (int number = 1; std::getline(in, line); ++number) {
		std::string content = trim(line);
		if (content.empty() || content.front() == '#')
			continue;
		std::size_t eq = content.find('=');
		std::string where = label + ":" + std::to_string(number) + ": ";
		if (eq == std::string::npos)
			return tl::make_unexpected(where + "expected 'setting = value'");
		auto ok = p.set(trim(content.substr(0, eq)), trim(content.substr(eq + 1)));
		if (!ok)
			return tl::make_unexpected(where + ok.error());
	}
	if (p.config.maps.empty())
		return tl::make_unexpected(label + ": no map is configured");
	return p.config;
}

tl::expected<daemon_config, std::string> load_daemon_config(fs::path const &path)
{
	auto bytes = read_file_bytes(path);
	if (!bytes)
		return tl::make_unexpected(bytes.error());
	fs::path base = fs::absolute(path).parent_path();
	auto config = parse_daemon_config(*bytes, path.string(), base);
	if (config)
		config->source = path;
	return config;
}

std::string describe_config(daemon_config const &c)
{
	std::ostringstream out;
	for (auto const &l : c.listen)
		out << "listen = " << l.text << '\n';
	out << "key_file = " << c.key_file.string() << '\n'
	    << "user = " << c.user << '\n'
	    << "max_request = " << c.max_request << '\n'
	    << "max_clients = " << c.max_clients << '\n'
	    << "idle_timeout = " << c.idle_timeout << '\n'
	    << "request_timeout = " << c.request_timeout << '\n'
	    << "check_interval = " << c.check_interval << '\n';
	for (auto const &m : c.maps) {
		out << "map " << m.name << " = " << m.file.string();
		if (m.table != m.name)
			out << ' ' << m.table;
		out << '\n';
	}
	return out.str();
}

} // namespace blackbox
