#include "dns_lab.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab.hpp"

namespace lab {
namespace {

constexpr char const *signature_expiry = "20460101000000";
constexpr char const *signature_inception = "20200101000000";

struct zone_spec {
	std::string name; // no trailing dot; "" for the root
	std::vector<std::string> records;
	zone_security security = zone_security::signed_zone;
	bool dead = false;
};

std::string normalise(std::string zone)
{
	while (!zone.empty() && zone.back() == '.')
		zone.pop_back();
	std::transform(zone.begin(), zone.end(), zone.begin(),
	               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return zone;
}

std::string fqdn(std::string const &zone)
{
	return zone.empty() ? "." : zone + ".";
}

std::string file_stem(std::string const &zone)
{
	return zone.empty() ? "root" : zone;
}

int label_count(std::string const &zone)
{
	if (zone.empty())
		return 0;
	return 1 + static_cast<int>(std::count(zone.begin(), zone.end(), '.'));
}

bool is_below(std::string const &name, std::string const &zone)
{
	if (zone.empty())
		return !name.empty();
	return name.size() > zone.size() && name.ends_with("." + zone);
}

// A socket pair on 127.0.0.1 that takes DNS queries and never answers.
struct black_hole {
	int udp = -1;
	int tcp = -1;
	int port = 0;

	void open()
	{
		for (int attempt = 0; attempt < 20 && udp < 0; ++attempt) {
			port = free_dns_port();
			udp = bind_to(SOCK_DGRAM);
			tcp = bind_to(SOCK_STREAM);
			if (udp < 0 || tcp < 0 || ::listen(tcp, 16) != 0)
				close();
		}
		if (udp < 0)
			throw std::runtime_error("dns_lab: cannot bind the dead name server");
	}

	int bind_to(int type) const
	{
		int fd = ::socket(AF_INET, type, 0);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_port = htons(static_cast<uint16_t>(port));
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
			::close(fd);
			return -1;
		}
		return fd;
	}

	void close()
	{
		if (udp >= 0)
			::close(udp);
		if (tcp >= 0)
			::close(tcp);
		udp = tcp = -1;
	}
};

} // namespace

std::string txt_record(std::string const &owner, std::string const &text)
{
	std::string line = owner + " IN TXT";
	for (std::size_t at = 0; at < text.size() || at == 0; at += 255) {
		line += " \"";
		for (char c : text.substr(at, 255)) {
			if (c == '"' || c == '\\')
				line += '\\';
			line += c;
		}
		line += '"';
		if (text.empty())
			break;
	}
	return line;
}

struct dns_lab::impl {
	temp_dir dir{"1dall-dnslab"};
	std::map<std::string, zone_spec> zones;
	std::map<std::string, std::vector<std::string>> ds_records; // child -> its DS lines
	std::unique_ptr<process> nsd;
	black_hole dead;
	int port = 0;
	bool started = false;

	std::filesystem::path log() const { return dir / "lab.log"; }

	[[noreturn]] void fail(std::string const &what) const
	{
		throw std::runtime_error("dns_lab: " + what + "\n" + read_file(log()) +
		                         (std::filesystem::exists(dir / "nsd.log")
		                                  ? read_file(dir / "nsd.log")
		                                  : std::string()));
	}

	void add_missing_parents()
	{
		zones.try_emplace("", zone_spec{"", {}, zone_security::signed_zone, false});
		std::vector<std::string> names;
		for (auto const &[name, spec] : zones)
			names.push_back(name);
		for (auto const &name : names) {
			auto tld = name.substr(name.rfind('.') + 1);
			if (!name.empty())
				zones.try_emplace(
				        tld, zone_spec{tld, {}, zone_security::signed_zone, false});
		}
	}

	std::string parent_of(std::string const &zone) const
	{
		std::string best;
		for (auto const &[name, spec] : zones)
			if (!spec.dead && is_below(zone, name) && name.size() >= best.size())
				best = name;
		return best;
	}

	std::vector<std::string> children_of(std::string const &zone) const
	{
		std::vector<std::string> children;
		for (auto const &[name, spec] : zones)
			if (!name.empty() && name != zone && parent_of(name) == zone)
				children.push_back(name);
		return children;
	}

	std::string zone_text(zone_spec const &spec) const
	{
		std::ostringstream text;
		text << "$ORIGIN " << fqdn(spec.name) << "\n$TTL 300\n"
		     << "@ IN SOA ns.lab. hostmaster.lab. 1 3600 600 86400 300\n"
		     << "@ IN NS ns.lab.\n";
		for (auto const &line : spec.records)
			text << line << "\n";
		for (auto const &child : children_of(spec.name)) {
			text << fqdn(child) << " IN NS ns.lab.\n";
			auto ds = ds_records.find(child);
			if (ds != ds_records.end())
				for (auto const &line : ds->second)
					text << line << "\n";
		}
		return text.str();
	}

	std::string run_in_dir(std::string const &command) const
	{
		int code = 0;
		std::string out = capture("cd '" + dir.path().string() + "' && " + command +
		                                  " 2>>'" + log().string() + "'",
		                          &code);
		if (code != 0)
			fail("'" + command + "' failed");
		while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
			out.pop_back();
		return out;
	}

	void corrupt_txt_signatures(std::filesystem::path const &signed_file) const
	{
		std::istringstream in(read_file(signed_file));
		std::ostringstream out;
		std::string line;
		bool corrupted = false;
		while (std::getline(in, line)) {
			if (line.find("RRSIG\tTXT ") != std::string::npos && line.size() > 20) {
				char &c = line[line.size() - 10];
				c = c == 'A' ? 'B' : 'A';
				corrupted = true;
			}
			out << line << "\n";
		}
		if (!corrupted)
			fail("zone to break has no TXT signature: add a TXT record");
		write_file(signed_file, out.str());
	}

	// Writes, and unless unsigned signs, one zone; returns the file NSD loads.
	std::string prepare(zone_spec const &spec)
	{
		auto stem = file_stem(spec.name);
		write_file(dir / (stem + ".zone"), zone_text(spec));
		if (spec.security == zone_security::unsigned_zone)
			return stem + ".zone";

		auto key = run_in_dir("ldns-keygen -a ECDSAP256SHA256 -k " + fqdn(spec.name));
		run_in_dir(std::string("ldns-signzone -i ") + signature_inception + " -e " +
		           signature_expiry + " -f " + stem + ".signed " + stem + ".zone " + key);
		auto ds = read_file(dir / (key + ".ds"));
		if (spec.name.empty())
			write_file(dir / "root.anchor", ds);
		else
			ds_records[spec.name].push_back(ds.substr(0, ds.find('\n')));
		if (spec.security == zone_security::broken_signature)
			corrupt_txt_signatures(dir / (stem + ".signed"));
		return stem + ".signed";
	}

	std::string nsd_config(std::vector<std::pair<std::string, std::string>> const &files) const
	{
		auto d = dir.path().string();
		std::ostringstream conf;
		conf << "server:\n"
		     << "  ip-address: 127.0.0.1\n  port: " << port << "\n"
		     << "  username: \"\"\n  chroot: \"\"\n  zonesdir: \"" << d << "\"\n"
		     << "  database: \"\"\n  pidfile: \"" << d << "/nsd.pid\"\n"
		     << "  zonelistfile: \"" << d << "/zone.list\"\n"
		     << "  xfrdfile: \"" << d << "/xfrd.state\"\n  xfrdir: \"" << d << "\"\n"
		     << "  logfile: \"" << d << "/nsd.log\"\n  server-count: 1\n"
		     << "  verbosity: 1\n  refuse-any: yes\n"
		     << "remote-control:\n  control-enable: no\n";
		for (auto const &[zone, file] : files)
			conf << "zone:\n  name: \"" << fqdn(zone) << "\"\n  zonefile: \"" << file
			     << "\"\n";
		return conf.str();
	}

	bool answers(std::string const &zone) const
	{
		int code = 0;
		auto out = capture("drill -p " + std::to_string(port) + " @127.0.0.1 SOA " +
		                           fqdn(zone) + " 2>&1",
		                   &code);
		return code == 0 && out.find("rcode: NOERROR") != std::string::npos &&
		       out.find(" aa") != std::string::npos;
	}

	void wait_until_served(std::vector<std::pair<std::string, std::string>> const &files)
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
		for (auto const &[zone, file] : files) {
			while (!answers(zone)) {
				if (!nsd->running() || std::chrono::steady_clock::now() > deadline)
					fail("NSD does not serve " + fqdn(zone));
				std::this_thread::sleep_for(std::chrono::milliseconds(20));
			}
		}
	}
};

dns_lab::dns_lab() : impl_(std::make_unique<impl>()) {}

dns_lab::~dns_lab()
{
	impl_->nsd.reset();
	impl_->dead.close();
}

void dns_lab::add_zone(std::string const &zone, std::vector<std::string> const &records,
                       zone_security security)
{
	auto name = normalise(zone);
	impl_->zones[name] = zone_spec{name, records, security, false};
}

void dns_lab::add_dead_zone(std::string const &zone)
{
	auto name = normalise(zone);
	impl_->zones[name] = zone_spec{name, {}, zone_security::unsigned_zone, true};
}

void dns_lab::start()
{
	if (impl_->started)
		return;
	impl_->add_missing_parents();

	// Children first: a parent needs its children's DS records.
	std::vector<zone_spec const *> order;
	for (auto const &[name, spec] : impl_->zones)
		order.push_back(&spec);
	std::stable_sort(order.begin(), order.end(), [](auto *a, auto *b) {
		return label_count(a->name) > label_count(b->name);
	});

	std::vector<std::pair<std::string, std::string>> files;
	for (auto const *spec : order)
		if (!spec->dead)
			files.emplace_back(spec->name, impl_->prepare(*spec));

	impl_->port = free_dns_port();
	write_file(impl_->dir / "nsd.conf", impl_->nsd_config(files));
	impl_->run_in_dir("nsd-checkconf nsd.conf");
	impl_->nsd = std::make_unique<process>(
	        std::vector<std::string>{"nsd", "-d", "-c", (impl_->dir / "nsd.conf").string()},
	        impl_->dir / "nsd.stderr");
	impl_->wait_until_served(files);
	impl_->dead.open();
	impl_->started = true;
}

int dns_lab::port() const
{
	return impl_->port;
}

std::filesystem::path dns_lab::trust_anchor_file() const
{
	return impl_->dir / "root.anchor";
}

std::filesystem::path dns_lab::folder() const
{
	return impl_->dir.path();
}

dtn::resolver_options dns_lab::resolver_options(std::chrono::milliseconds timeout) const
{
	dtn::resolver_options options;
	options.trust_anchor_file = trust_anchor_file().string();
	options.allow_loopback_servers = true;
	options.timeout = timeout;
	// Name servers on loopback ports cannot be named by NS records (they
	// imply port 53), so every zone is a stub zone with its server's
	// address and port: the lab's NSD, or the black hole for dead zones.
	auto server = "127.0.0.1@" + std::to_string(impl_->port);
	auto dead = "127.0.0.1@" + std::to_string(impl_->dead.port);
	for (auto const &[name, spec] : impl_->zones)
		options.stub_zones.emplace_back(fqdn(name), spec.dead ? dead : server);
	options.unbound_options = {{"qname-minimisation:", "no"},
	                           {"local-zone:", "test. nodefault"},
	                           {"local-zone:", "invalid. nodefault"}};
	return options;
}

} // namespace lab
