// bench_milter: a milter-protocol (v6) load generator, the MTA side.
//
// N threads each run one milter session per message (OPTNEG, CONNECT,
// HELO, MAIL, RCPT, headers, EOH, EOM, QUIT), honouring the filter's
// SMFIP_NO* and SMFIP_NR_* flags as Postfix does, and time every stage.
// Without --socket it starts its own lab: NSD with signed zones (the DNS
// lab), and 1dall-milter forwarding to it.
//
//   bench_milter [-c CONNS] [-n MESSAGES] [--unix|--tcp] [--cold|--cached]
//                [--socket unix:/path|inet:PORT@127.0.0.1] [--milter PATH]
//
// --cached sends every message from one trusted partner (the decision
// comes from the trust cache after the first); --cold gives every
// message its own sender domain under a wildcard zone, so each needs
// fresh SPF and 1DTN lookups through the validating resolver.
#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "dns_lab.hpp"
#include "lab.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// SMFIP_* flags (libmilter/mfdef.h).
constexpr std::uint32_t no_connect = 1u << 0, no_helo = 1u << 1, no_mail = 1u << 2,
                        no_rcpt = 1u << 3, no_body = 1u << 4, no_headers = 1u << 5,
                        no_eoh = 1u << 6, nr_header = 1u << 7, nr_connect = 1u << 12,
                        nr_helo = 1u << 13, nr_mail = 1u << 14, nr_rcpt = 1u << 15,
                        nr_eoh = 1u << 18, nr_body = 1u << 19;
constexpr std::uint32_t offered_protocol = 0x1FFFFF; // what Postfix 3 offers
constexpr std::uint32_t offered_actions = 0x1FF;

enum stage { s_connect, s_mail, s_rcpt, s_eom, s_total, stage_count };
constexpr const char *stage_names[] = {"connect", "mail", "rcpt", "eom", "total"};

struct options {
	int connections = 2;
	int messages = 2000;
	int warmup = 20;
	bool unix_socket = true;
	bool cold = false;
	std::string socket;
	std::string milter_path;
};

class session {
      public:
	explicit session(std::string const &spec) { open(spec); }
	~session()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	session(session const &) = delete;
	session &operator=(session const &) = delete;

	void queue(char command, std::string const &data = {})
	{
		std::uint32_t length = htonl(static_cast<std::uint32_t>(data.size() + 1));
		out_.append(reinterpret_cast<const char *>(&length), 4);
		out_ += command;
		out_ += data;
	}

	void flush()
	{
		std::size_t done = 0;
		while (done < out_.size()) {
			ssize_t n = ::write(fd_, out_.data() + done, out_.size() - done);
			if (n <= 0)
				throw std::runtime_error("write to milter failed");
			done += static_cast<std::size_t>(n);
		}
		out_.clear();
	}

	// Reads packets until a final reply; returns its command character.
	char reply()
	{
		for (;;) {
			auto [command, data] = read_packet();
			if (command == 'p' || std::strchr("+-2ehibmlq", command) != nullptr)
				continue; // progress, or a modification at end of message
			return command;
		}
	}

	std::pair<char, std::string> read_packet()
	{
		char header[4];
		read_exact(header, 4);
		std::uint32_t length = 0;
		std::memcpy(&length, header, 4);
		length = ntohl(length);
		if (length < 1 || length > (1u << 24))
			throw std::runtime_error("bad packet length from milter");
		std::string data(length, '\0');
		read_exact(data.data(), length);
		return {data[0], data.substr(1)};
	}

      private:
	void open(std::string const &spec)
	{
		if (spec.starts_with("unix:")) {
			fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
			sockaddr_un addr{};
			addr.sun_family = AF_UNIX;
			std::strncpy(addr.sun_path, spec.c_str() + 5, sizeof addr.sun_path - 1);
			if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
				throw std::runtime_error("cannot connect to " + spec);
			return;
		}
		auto colon = spec.find(':');
		auto at = spec.find('@');
		int port = std::stoi(spec.substr(colon + 1, at - colon - 1));
		fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_port = htons(static_cast<std::uint16_t>(port));
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int on = 1;
		::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
		if (::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
			throw std::runtime_error("cannot connect to " + spec);
	}

	void read_exact(char *buffer, std::size_t size)
	{
		std::size_t done = 0;
		while (done < size) {
			ssize_t n = ::read(fd_, buffer + done, size - done);
			if (n <= 0)
				throw std::runtime_error("milter closed the connection");
			done += static_cast<std::size_t>(n);
		}
	}

	int fd_ = -1;
	std::string out_;
};

std::string be32(std::uint32_t v)
{
	v = htonl(v);
	return std::string(reinterpret_cast<const char *>(&v), 4);
}

std::string cstr(std::string const &s)
{
	return s + '\0';
}

struct message_plan {
	std::string sender;
	std::string recipient = "alice@example.net";
};

struct result {
	double ms[stage_count] = {};
	char verdict = '?';
};

// Sends `command`, waits for the final reply unless the milter asked for
// none; returns the reply ('c' when none was awaited).
char step(session &s, std::uint32_t protocol, std::uint32_t skip_flag, std::uint32_t no_reply,
          char command, std::string const &data)
{
	if (protocol & skip_flag)
		return 'c';
	s.queue(command, data);
	if (protocol & no_reply)
		return 'c';
	s.flush();
	return s.reply();
}

result run_message(std::string const &socket, message_plan const &plan, int sequence)
{
	using ms = std::chrono::duration<double, std::milli>;
	result r;
	auto t0 = clock_type::now();
	session s(socket);
	s.queue('O', be32(6) + be32(offered_actions) + be32(offered_protocol));
	s.flush();
	auto [command, negotiated] = s.read_packet();
	if (command != 'O' || negotiated.size() < 12)
		throw std::runtime_error("bad option negotiation reply");
	std::uint32_t protocol = 0;
	std::memcpy(&protocol, negotiated.data() + 8, 4);
	protocol = ntohl(protocol);

	s.queue('D', "C" + cstr("j") + cstr("mx.example.net"));
	std::string connect =
	        cstr("mx.sender.example") + "4" + std::string("\0\0", 2) + cstr("127.0.0.1");
	char v = step(s, protocol, no_connect, nr_connect, 'C', connect);
	if (v == 'c')
		v = step(s, protocol, no_helo, nr_helo, 'H', cstr("mx.sender.example"));
	auto t1 = clock_type::now();
	r.ms[s_connect] = ms(t1 - t0).count();

	char qid[32];
	std::snprintf(qid, sizeof qid, "B%08X", static_cast<unsigned>(sequence));
	s.queue('D', "M" + cstr("i") + cstr(qid));
	if (v == 'c')
		v = step(s, protocol, no_mail, nr_mail, 'M', cstr("<" + plan.sender + ">"));
	auto t2 = clock_type::now();
	r.ms[s_mail] = ms(t2 - t1).count();
	s.queue('D', "R" + cstr("i") + cstr(qid));
	if (v == 'c')
		v = step(s, protocol, no_rcpt, nr_rcpt, 'R', cstr("<" + plan.recipient + ">"));
	auto t3 = clock_type::now();
	r.ms[s_rcpt] = ms(t3 - t2).count();

	if (v == 'c') {
		const std::pair<const char *, std::string> headers[] = {
		        {"Received", " from mx.sender.example by mx.example.net"},
		        {"Authentication-Results", " other.example; spf=pass"},
		        {"From", " Billing <" + plan.sender + ">"},
		        {"To", " <" + plan.recipient + ">"},
		        {"Subject", " Invoice " + std::string(qid)},
		        {"Date", " Thu, 03 Dec 2026 10:00:00 +0000"},
		        {"Message-ID", " <" + std::string(qid) + "@sender.example>"},
		        {"MIME-Version", " 1.0"},
		};
		for (auto const &[name, value] : headers)
			if (v == 'c')
				v = step(s, protocol, no_headers, nr_header, 'L',
				         cstr(name) + cstr(value));
		if (v == 'c')
			v = step(s, protocol, no_eoh, nr_eoh, 'N', "");
		if (v == 'c')
			v = step(s, protocol, no_body, nr_body, 'B',
			         "Please find the invoice attached.\r\n");
		if (v == 'c') {
			s.queue('E');
			s.flush();
			v = s.reply();
		}
	}
	auto t4 = clock_type::now();
	r.ms[s_eom] = ms(t4 - t3).count();
	s.queue('Q');
	s.flush();
	r.ms[s_total] = ms(t4 - t0).count();
	r.verdict = v;
	return r;
}

double percentile(std::vector<double> values, double p)
{
	if (values.empty())
		return 0;
	std::sort(values.begin(), values.end());
	auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
	return values[std::min(index, values.size() - 1)];
}

message_plan plan_for(options const &o, int sequence)
{
	message_plan plan;
	plan.sender = o.cold ? "billing@s" + std::to_string(sequence) + ".cold.example"
	                     : "billing@partner.example";
	return plan;
}

void report(options const &o, std::vector<result> const &results, double seconds)
{
	std::map<char, int> verdicts;
	for (auto const &r : results)
		++verdicts[r.verdict];
	std::printf("bench_milter: %s socket, %d connections, %s decisions\n",
	            o.unix_socket ? "unix" : "tcp", o.connections, o.cold ? "cold" : "cached");
	std::printf("  %zu messages in %.3f s: %.1f msg/s\n", results.size(), seconds,
	            static_cast<double>(results.size()) / seconds);
	for (int st = 0; st < stage_count; ++st) {
		std::vector<double> v;
		for (auto const &r : results)
			v.push_back(r.ms[st]);
		std::printf("  %-8s p50 %7.3f ms  p99 %7.3f ms\n", stage_names[st],
		            percentile(v, 0.5), percentile(v, 0.99));
	}
	std::printf("  replies:");
	for (auto const &[verdict, count] : verdicts)
		std::printf(" %c=%d", verdict, count);
	std::printf("\n");
}

void run(options const &o, std::string const &socket)
{
	for (int i = 0; i < o.warmup; ++i)
		run_message(socket, plan_for(o, -1 - i), i);
	std::atomic<int> next{0};
	std::vector<std::vector<result>> per_thread(static_cast<std::size_t>(o.connections));
	std::atomic<int> errors{0};
	auto start = clock_type::now();
	std::vector<std::thread> threads;
	for (int t = 0; t < o.connections; ++t)
		threads.emplace_back([&, t] {
			for (int i = next++; i < o.messages; i = next++) {
				try {
					per_thread[static_cast<std::size_t>(t)].push_back(
					        run_message(socket, plan_for(o, i), i));
				} catch (std::exception const &) {
					++errors;
				}
			}
		});
	for (auto &t : threads)
		t.join();
	double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
	std::vector<result> all;
	for (auto const &v : per_thread)
		all.insert(all.end(), v.begin(), v.end());
	report(o, all, seconds);
	if (errors > 0)
		std::printf("  errors: %d\n", errors.load());
}

// The lab: signed zones for the recipient domain, a trusted partner and
// a wildcard zone where every sender domain is new and trusted.
void add_zones(lab::dns_lab &dns)
{
	dns.add_zone("example.net",
	             {"_1dtn TXT \"v=1dtn1; trust=partner.example, *.cold.example\""});
	dns.add_zone("partner.example", {"_1dtn TXT \"v=1dtn1; trust=example.net\"",
	                                 "@ TXT \"v=spf1 ip4:127.0.0.1 -all\""});
	dns.add_zone("cold.example", {"* TXT \"v=1dtn1; trust=example.net\"",
	                              "* TXT \"v=spf1 ip4:127.0.0.1 -all\""});
}

options parse(int argc, char **argv)
{
	options o;
	for (int i = 1; i < argc; ++i) {
		std::string a = argv[i];
		auto value = [&] {
			if (i + 1 >= argc)
				throw std::runtime_error(a + " needs a value");
			return std::string(argv[++i]);
		};
		if (a == "-c")
			o.connections = std::stoi(value());
		else if (a == "-n")
			o.messages = std::stoi(value());
		else if (a == "--warmup")
			o.warmup = std::stoi(value());
		else if (a == "--unix")
			o.unix_socket = true;
		else if (a == "--tcp")
			o.unix_socket = false;
		else if (a == "--cold")
			o.cold = true;
		else if (a == "--cached")
			o.cold = false;
		else if (a == "--socket")
			o.socket = value();
		else if (a == "--milter")
			o.milter_path = value();
		else
			throw std::runtime_error("unknown argument " + a);
	}
	if (o.milter_path.empty())
		o.milter_path = (lab::binary_dir() / "milter/1dall-milter").string();
	return o;
}

} // namespace

int main(int argc, char **argv)
{
	try {
		options o = parse(argc, argv);
		if (!o.socket.empty()) {
			run(o, o.socket);
			return 0;
		}
		lab::dns_lab dns;
		add_zones(dns);
		dns.start();
		lab::temp_dir dir("bench-milter");
		int port = lab::free_tcp_port();
		std::string socket = o.unix_socket ? "unix:" + (dir / "milter.sock").string()
		                                   : "inet:" + std::to_string(port) + "@127.0.0.1";
		lab::write_file(dir / "milter.conf",
		                "Socket " + socket + "\nForwarders 127.0.0.1@" +
		                        std::to_string(dns.port()) + "\nTrustAnchorFile " +
		                        dns.trust_anchor_file().string() +
		                        "\nTrustedNetworks none\nUser none\nPidFile none\n"
		                        "StatsInterval 0\nAuthservId mx.example.net\n");
		lab::process milter({o.milter_path, "-c", (dir / "milter.conf").string(), "-f"},
		                    dir / "milter.log");
		bool up =
		        o.unix_socket
		                ? lab::wait_for_file(dir / "milter.sock", std::chrono::seconds(10))
		                : lab::wait_for_tcp("127.0.0.1", port, std::chrono::seconds(10));
		if (!up)
			throw std::runtime_error("1dall-milter did not start:\n" +
			                         lab::read_file(dir / "milter.log"));
		std::this_thread::sleep_for(std::chrono::milliseconds(200));
		run(o, socket);
	} catch (std::exception const &e) {
		std::fprintf(stderr, "bench_milter: %s\n", e.what());
		return 1;
	}
	return 0;
}
