// The demo lab behind scripts/demo: NSD with signed demo zones, the
// milter's validating resolver forwarding to it, 1dall-milter, and a
// private Postfix on loopback; then three mails, and what became of
// each. Everything lives in temporary folders and stops at the end.
#include <cstdio>
#include <iostream>
#include <sstream>

#include "dns_lab.hpp"
#include "lab.hpp"
#include "milter_postfix_lab.hpp"

namespace {

namespace fs = std::filesystem;

void say(std::string const &text)
{
	std::cout << text << std::endl;
}

// The SMTP lines of a swaks transcript that matter: replies to MAIL,
// RCPT and the end of data.
std::string smtp_replies(std::string const &transcript)
{
	std::istringstream in(transcript);
	std::string line, out;
	bool show = false;
	while (std::getline(in, line)) {
		if (line.find("-> MAIL FROM") != std::string::npos ||
		    line.find("-> RCPT TO") != std::string::npos || line == " -> .")
			show = true;
		if (show)
			out += "    " + line + "\n";
		if (line.starts_with("<-") || line.starts_with("<**"))
			show = false;
	}
	return out;
}

std::string headers_of(fs::path const &file)
{
	auto text = lab::read_file(file);
	auto end = text.find("\n\n");
	std::istringstream in(text.substr(0, end));
	std::string line, out;
	while (std::getline(in, line))
		out += "    " + line + "\n";
	return out;
}

void show_case(lab::milter_postfix_lab &postfix, std::size_t delivered_before,
               std::string const &title, std::string const &transcript)
{
	say("\n== " + title);
	std::cout << smtp_replies(transcript);
	bool queued = transcript.find("250 2.0.0 Ok: queued") != std::string::npos;
	if (!queued) {
		say("  -> refused during the SMTP dialogue; queue files: " +
		    std::to_string(postfix.queue_files().size()) + " (nothing stored)");
		return;
	}
	if (!postfix.wait_delivered(delivered_before + 1)) {
		say("  -> accepted but not delivered yet (see " + postfix.folder().string() + ")");
		return;
	}
	auto file = postfix.delivered().back();
	say("  -> delivered to the mailbox of alice@example.net: " + file.filename().string());
	say("  headers as delivered:");
	std::cout << headers_of(file);
}

std::string invoice_attachment(fs::path const &dir)
{
	// An executable disguised as a document: MZ header, nothing runnable.
	auto path = dir / "Invoice_2026-12.pdf.exe";
	std::string fake_pe = "MZ";
	fake_pe.append(58, '\0');
	fake_pe += "\x80\0\0\0";
	fake_pe += "This program cannot be run in DOS mode (demo, harmless).";
	lab::write_file(path, fake_pe);
	return path.string();
}

} // namespace

int main()
{
	try {
		say("1DALLMAIL demo: everything below runs on 127.0.0.1 and is removed at the "
		    "end.");
		lab::dns_lab dns;
		dns.add_zone("example.net", {"_1dtn TXT \"v=1dtn1; trust=partner.example\""});
		dns.add_zone("partner.example", {"_1dtn TXT \"v=1dtn1; trust=example.net\"",
		                                 "@ TXT \"v=spf1 ip4:127.0.0.1 -all\""});
		dns.add_zone("evil.example", {"@ TXT \"v=spf1 ip4:127.0.0.1 -all\""});
		dns.start();
		say("DNS: NSD on port " + std::to_string(dns.port()) +
		    " serves signed zones example.net, partner.example, evil.example");
		say("  _1dtn.example.net     \"v=1dtn1; trust=partner.example\"");
		say("  _1dtn.partner.example \"v=1dtn1; trust=example.net\"");
		say("  _1dtn.evil.example    (none)");

		lab::temp_dir dir("1dall-demo");
		int milter_port = lab::free_tcp_port();
		lab::write_file(dir / "1dall-milter.conf",
		                "Socket inet:" + std::to_string(milter_port) +
		                        "@127.0.0.1\nForwarders 127.0.0.1@" +
		                        std::to_string(dns.port()) + "\nTrustAnchorFile " +
		                        dns.trust_anchor_file().string() +
		                        "\nTrustedNetworks none\nLocalDomains example.net\n"
		                        "AuthservId mx.example.net\nUser nobody\nPidFile none\n");
		auto milter_program = lab::binary_dir() / "milter/1dall-milter";
		lab::process milter(
		        {milter_program.string(), "-f", "-c", (dir / "1dall-milter.conf").string()},
		        dir / "1dall-milter.log");
		if (!lab::wait_for_tcp("127.0.0.1", milter_port, std::chrono::seconds(10)))
			throw std::runtime_error("1dall-milter did not start:\n" +
			                         lab::read_file(dir / "1dall-milter.log"));
		say("milter: 1dall-milter on inet:" + std::to_string(milter_port) +
		    "@127.0.0.1 (validating resolver -> NSD)");

		lab::milter_postfix_options options;
		options.milter_socket = "inet:127.0.0.1:" + std::to_string(milter_port);
		lab::milter_postfix_lab postfix(options);
		postfix.start();
		say("Postfix: smtpd on 127.0.0.1:" + std::to_string(postfix.smtp_port()) +
		    ", smtpd_milters -> 1dall-milter, milter_default_action = tempfail");

		auto t1 = postfix.swaks(
		        "ceo@evil.example", "alice@example.net",
		        {"--helo", "mx.evil.example", "--header", "Subject: Urgent wire transfer"});
		show_case(postfix, 0, "CASE 1: evil.example (no 1DTN declaration) -> example.net",
		          t1);

		auto t2 = postfix.swaks(
		        "billing@partner.example", "alice@example.net",
		        {"--helo", "mx.partner.example", "--header", "Subject: Monthly statement"});
		show_case(postfix, 0, "CASE 2: partner.example (mutual trust, SPF pass)", t2);

		auto t3 = postfix.swaks("billing@partner.example", "alice@example.net",
		                        {"--helo", "mx.partner.example", "--header",
		                         "Subject: Invoice overdue - open attachment", "--attach",
		                         invoice_attachment(dir.path())});
		show_case(postfix, 1,
		          "CASE 3: trusted partner sends an invoice with an executable attachment",
		          t3);
		say("  note: trust says who may send, not what is safe; the content scoring "
		    "layer (ai/) is not yet attached to the milter, so this mail is delivered.");

		say("\n== the milter's decision log");
		std::cout << lab::read_file(dir / "1dall-milter.log");
		say("\nStopping Postfix, the milter and NSD; removing the lab folders.");
	} catch (std::exception const &e) {
		std::cerr << "demo failed: " << e.what() << "\n";
		return 1;
	}
	return 0;
}
