// 1dtn: write, check and lint 1DTN trust declarations (see 1dtn(1)).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "1dtn/declaration.hpp"
#include "1dtn/domain.hpp"
#include "1dtn/record.hpp"
#include "1dtn/resolver.hpp"
#include "1dtn/trust.hpp"

namespace {

constexpr int exit_usage = 64;

int usage()
{
	std::cerr << "usage: 1dtn record --trust PATTERNS [--include DOMAINS] [--auth METHOD]"
	             " [--domain DOMAIN]\n"
	             "       1dtn check SENDER-DOMAIN RECIPIENT-DOMAIN [--ip ADDR] [--helo NAME]"
	             " [DNS options]\n"
	             "       1dtn lint DOMAIN [DNS options]\n"
	             "DNS options: --anchor FILE --forwarder IP[@PORT] --stub ZONE=IP[@PORT]"
	             " --timeout MS --no-insecure\n";
	return exit_usage;
}

// Command-line arguments: positional words and --name value pairs
// (repeatable ones collect every value).
struct arguments {
	std::vector<std::string> words;
	std::map<std::string, std::vector<std::string>> values;
	std::vector<std::string> flags;

	std::optional<std::string> one(std::string const &name) const
	{
		auto it = values.find(name);
		if (it == values.end() || it->second.empty())
			return std::nullopt;
		return it->second.back();
	}
	std::vector<std::string> all(std::string const &name) const
	{
		auto it = values.find(name);
		return it == values.end() ? std::vector<std::string>{} : it->second;
	}
	bool flag(std::string const &name) const
	{
		return std::find(flags.begin(), flags.end(), name) != flags.end();
	}
};

std::optional<arguments> parse_arguments(int argc, char **argv)
{
	static std::vector<std::string> const flag_names{"--no-insecure"};
	arguments args;
	for (int i = 2; i < argc; ++i) {
		std::string word = argv[i];
		if (!word.starts_with("--")) {
			args.words.push_back(word);
			continue;
		}
		if (std::find(flag_names.begin(), flag_names.end(), word) != flag_names.end()) {
			args.flags.push_back(word);
			continue;
		}
		if (i + 1 >= argc) {
			std::cerr << "1dtn: option " << word << " needs a value\n";
			return std::nullopt;
		}
		args.values[word].push_back(argv[++i]);
	}
	return args;
}

// "TXT text" split into quoted character-strings of at most 255 octets.
std::string zone_strings(std::string const &text)
{
	std::string out;
	for (std::size_t at = 0; at < text.size(); at += 255) {
		out += out.empty() ? "\"" : " \"";
		for (char c : text.substr(at, 255)) {
			if (c == '"' || c == '\\')
				out += '\\';
			out += c;
		}
		out += '"';
	}
	return out;
}

int command_record(arguments const &args)
{
	auto trust = args.one("--trust");
	if (!trust || !args.words.empty())
		return usage();
	std::string text = "v=1dtn1; trust=" + *trust;
	if (auto include = args.one("--include"))
		text += "; include=" + *include;
	if (auto auth = args.one("--auth"))
		text += "; auth=" + *auth;

	auto parsed = dtn::parse_record(text);
	if (!parsed) {
		std::cerr << "1dtn: " << parsed.error() << "\n";
		return 3;
	}
	// Publish A-labels, in the form receivers compare them.
	auto join = [](std::vector<std::string> const &items) {
		std::string out;
		for (auto const &item : items)
			out += (out.empty() ? "" : ",") + item;
		return out;
	};
	std::string canonical = "v=1dtn1; trust=" + join(parsed->trust);
	if (!parsed->includes.empty())
		canonical += "; include=" + join(parsed->includes);
	if (args.one("--auth"))
		canonical += "; auth=" + std::string(dtn::to_string(parsed->auth));

	std::string owner = "_1dtn";
	if (auto domain = args.one("--domain")) {
		auto name = dtn::to_a_label(*domain);
		if (!name) {
			std::cerr << "1dtn: --domain: " << name.error() << "\n";
			return exit_usage;
		}
		owner += "." + *name + ".";
	}
	std::cout << owner << "\tIN\tTXT\t" << zone_strings(canonical) << "\n";
	return 0;
}

std::optional<dtn::resolver_options> dns_options(arguments const &args)
{
	dtn::resolver_options options;
	if (auto anchor = args.one("--anchor"))
		options.trust_anchor_file = *anchor;
	options.forwarders = args.all("--forwarder");
	for (auto const &stub : args.all("--stub")) {
		auto equals = stub.find('=');
		if (equals == std::string::npos) {
			std::cerr << "1dtn: --stub wants ZONE=IP[@PORT], not " << stub << "\n";
			return std::nullopt;
		}
		options.stub_zones.emplace_back(stub.substr(0, equals), stub.substr(equals + 1));
	}
	// Servers named on the command line are meant to be used, even on
	// loopback (a local resolver or a test server).
	options.allow_loopback_servers = !options.forwarders.empty() || !options.stub_zones.empty();
	if (auto ms = args.one("--timeout")) {
		char *end = nullptr;
		long value = std::strtol(ms->c_str(), &end, 10);
		if (*end != '\0' || value <= 0 || value > 600000) {
			std::cerr << "1dtn: --timeout wants milliseconds (1 to 600000)\n";
			return std::nullopt;
		}
		options.timeout = std::chrono::milliseconds(value);
	}
	return options;
}

std::shared_ptr<dtn::unbound_resolver> make_resolver(arguments const &args)
{
	auto options = dns_options(args);
	if (!options)
		return nullptr;
	auto resolver = dtn::unbound_resolver::create(*options);
	if (!resolver) {
		std::cerr << "1dtn: " << resolver.error() << "\n";
		return nullptr;
	}
	return *resolver;
}

void print_step(dtn::lookup_step const &step)
{
	std::cout << "  " << step.name << " TXT: " << dtn::to_string(step.status) << ", "
	          << dtn::to_string(step.dnssec) << "\n    " << step.found << "\n";
}

int exit_code(dtn::result outcome)
{
	switch (outcome) {
	case dtn::result::pass:
		return 0;
	case dtn::result::fail:
		return 1;
	case dtn::result::temperror:
		return 2;
	case dtn::result::permerror:
		return 3;
	}
	return 2;
}

dtn::sender_check run_spf(dtn::trust_checker &checker, arguments const &args,
                          std::string const &sender)
{
	auto ip = args.one("--ip");
	if (!ip) {
		dtn::sender_check assumed;
		assumed.sender_domain = dtn::to_a_label(sender).value_or(sender);
		assumed.spf = dtn::spf_result::pass;
		std::cout
		        << "SPF: not checked (no --ip): the result covers the declarations only\n";
		return assumed;
	}
	auto helo = args.one("--helo").value_or(sender);
	auto check = checker.check_sender({"postmaster@" + sender, helo, *ip});
	std::cout << "SPF for " << check.sender_domain << " from " << *ip << ": "
	          << dtn::to_string(check.spf) << " (" << dtn::to_string(check.dnssec) << ")";
	if (!check.spf_reason.empty())
		std::cout << ": " << check.spf_reason;
	std::cout << "\n";
	return check;
}

int command_check(arguments const &args)
{
	if (args.words.size() != 2)
		return usage();
	auto resolver = make_resolver(args);
	if (!resolver)
		return exit_usage;
	dtn::trust_options options;
	options.allow_insecure = !args.flag("--no-insecure");
	options.cache_entries = 0;
	dtn::trust_checker checker(resolver, options);

	auto const &sender = args.words[0];
	auto const &recipient = args.words[1];
	std::cout << "sender " << sender << ", recipient " << recipient << "\n";
	auto spf = run_spf(checker, args, sender);
	auto d = checker.decide(spf, recipient);

	std::cout << "lookups:\n";
	for (auto const &step : d.steps)
		print_step(step);
	std::cout << "DNSSEC: " << dtn::to_string(d.dnssec)
	          << (d.insecure ? " (insecure answers used)" : "") << "\n";
	if (d.weak_auth)
		std::cout << "warning: the sender declares auth=none (weak)\n";
	if (d.needs_dkim)
		std::cout << "DKIM: needed, decided at the end of data (not checked here)\n";
	std::cout << "result: " << dtn::to_string(d.outcome) << ": " << d.reason << "\n";
	return exit_code(d.outcome);
}

int command_lint(arguments const &args)
{
	if (args.words.size() != 1)
		return usage();
	auto name = dtn::to_a_label(args.words[0]);
	if (!name) {
		std::cerr << "1dtn: " << name.error() << "\n";
		return exit_usage;
	}
	auto resolver = make_resolver(args);
	if (!resolver)
		return exit_usage;

	int errors = 0;
	auto report = [&](bool error, std::string const &text) {
		errors += error ? 1 : 0;
		std::cout << (error ? "error: " : "warning: ") << text << "\n";
	};

	auto owner = "_1dtn." + *name;
	auto answer = resolver->query(owner, dtn::rr_type::txt);
	std::cout << owner << " TXT: " << dtn::to_string(answer.status) << ", "
	          << dtn::to_string(answer.dnssec) << "\n";
	if (answer.status == dtn::dns_status::timeout ||
	    answer.status == dtn::dns_status::servfail || answer.status == dtn::dns_status::bogus) {
		report(true,
		       "the lookup failed: " + std::string(dtn::to_string(answer.status)) +
		               (answer.why_bogus.empty() ? "" : " (" + answer.why_bogus + ")"));
		return 2;
	}
	if (answer.dnssec == dtn::dnssec_state::insecure)
		report(false, "the answer is not DNSSEC-signed (insecure)");

	std::vector<std::string> texts;
	for (auto const &txt : answer.records)
		if (dtn::is_1dtn_record(txt))
			texts.push_back(txt);
	if (texts.empty()) {
		report(true, owner + " has no 1DTN record");
		auto org = dtn::organizational_domain(*name);
		if (org != *name)
			std::cout << "note: receivers then try the organizational domain " << org
			          << "\n";
	}
	if (texts.size() > 1)
		report(true, owner + " has " + std::to_string(texts.size()) +
		                     " 1DTN records: receivers treat that as a permerror");
	for (auto const &text : texts) {
		std::cout << "record: " << text << "\n";
		for (auto const &finding : dtn::lint_record(text))
			report(finding.error, finding.text);
	}
	// Includes are followed only for a record that parses: otherwise
	// the findings above already say what is wrong.
	if (texts.size() == 1 && dtn::parse_record(texts.front())) {
		auto decl = dtn::fetch_declaration(*resolver, *name);
		if (decl.status == dtn::declaration::state::permerror ||
		    decl.status == dtn::declaration::state::temperror)
			report(true, "includes: " + decl.reason);
	}
	std::cout << (errors ? std::to_string(errors) + " error(s)" : "no errors") << "\n";
	return errors ? 1 : 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	std::string command = argv[1];
	auto args = parse_arguments(argc, argv);
	if (!args)
		return exit_usage;
	try {
		if (command == "record")
			return command_record(*args);
		if (command == "check")
			return command_check(*args);
		if (command == "lint")
			return command_lint(*args);
	} catch (std::exception const &e) {
		std::cerr << "1dtn: " << e.what() << "\n";
		return 2;
	}
	return usage();
}
