// A trust engine for tests of the filter framework: SPF results and
// decisions come from tables instead of DNS, and every call is counted.
// Rules can also be read from a small text file (the test daemon does):
//   spf DOMAIN RESULT [REASON...]
//   trust SENDER RCPT-DOMAIN RESULT [dkim] [insecure] [REASON...]
// Pairs not listed get `fail`, "no 1DTN declaration".
#pragma once

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include "address.hpp"
#include "policy.hpp"

namespace fake {

inline dtn::result result_from(std::string const &word)
{
	if (word == "pass")
		return dtn::result::pass;
	if (word == "temperror")
		return dtn::result::temperror;
	if (word == "permerror")
		return dtn::result::permerror;
	return dtn::result::fail;
}

inline dtn::spf_result spf_from(std::string const &word)
{
	if (word == "pass")
		return dtn::spf_result::pass;
	if (word == "fail")
		return dtn::spf_result::fail;
	if (word == "softfail")
		return dtn::spf_result::softfail;
	if (word == "temperror")
		return dtn::spf_result::temperror;
	if (word == "permerror")
		return dtn::spf_result::permerror;
	if (word == "neutral")
		return dtn::spf_result::neutral;
	return dtn::spf_result::none;
}

class engine : public milter::trust_engine {
      public:
	void spf(std::string domain, dtn::spf_result r, std::string reason = "fake spf")
	{
		spf_[domain] = {r, std::move(reason)};
	}

	void trust(std::string sender, std::string rcpt, dtn::result r, std::string reason,
	           bool needs_dkim = false, bool insecure = false)
	{
		dtn::decision d;
		d.outcome = r;
		d.reason = std::move(reason);
		d.needs_dkim = needs_dkim;
		d.insecure = insecure;
		d.dnssec = insecure ? dtn::dnssec_state::insecure : dtn::dnssec_state::secure;
		decisions_[{std::move(sender), std::move(rcpt)}] = d;
	}

	// Reads the rule file format above; false if it cannot be read.
	bool load(std::string const &path)
	{
		std::ifstream in(path);
		if (!in)
			return false;
		std::string line;
		while (std::getline(in, line)) {
			std::istringstream words(line);
			std::string kind, a, b, c, word, reason;
			words >> kind;
			if (kind == "spf") {
				words >> a >> b;
				std::getline(words, reason);
				spf(a, spf_from(b), reason.empty() ? "fake spf" : reason.substr(1));
			} else if (kind == "trust") {
				words >> a >> b >> c;
				bool dkim = false, insecure = false;
				while (words >> word) {
					if (word == "dkim")
						dkim = true;
					else if (word == "insecure")
						insecure = true;
					else
						reason += (reason.empty() ? "" : " ") + word;
				}
				trust(a, b, result_from(c), reason, dkim, insecure);
			}
		}
		return true;
	}

	dtn::sender_check check_sender(dtn::sender_facts const &facts) override
	{
		++sender_checks;
		dtn::sender_check s;
		auto box = milter::parse_mailbox(facts.mail_from);
		s.sender_domain = box.domain.empty() ? milter::to_lower(facts.helo) : box.domain;
		std::lock_guard lock(mutex_);
		if (auto it = spf_.find(s.sender_domain); it != spf_.end()) {
			s.spf = it->second.first;
			s.spf_reason = it->second.second;
		}
		s.dnssec = dtn::dnssec_state::secure;
		return s;
	}

	dtn::decision decide(dtn::sender_check const &sender, std::string_view rcpt,
	                     std::optional<dtn::dkim_check> const &dkim) override
	{
		++decisions_made;
		std::lock_guard lock(mutex_);
		auto it = decisions_.find({sender.sender_domain, std::string(rcpt)});
		if (it == decisions_.end()) {
			dtn::decision d;
			d.outcome = dtn::result::fail;
			d.reason = "no 1DTN declaration at _1dtn." + sender.sender_domain;
			return d;
		}
		dtn::decision d = it->second;
		if (d.needs_dkim && dkim) {
			d.outcome = dkim->aligned_pass ? dtn::result::pass
			            : dkim->temporary  ? dtn::result::temperror
			                               : dtn::result::fail;
			d.reason = dkim->reason;
		}
		return d;
	}

	std::atomic<int> sender_checks{0};
	std::atomic<int> decisions_made{0};

      private:
	std::mutex mutex_;
	std::map<std::string, std::pair<dtn::spf_result, std::string>> spf_;
	std::map<std::pair<std::string, std::string>, dtn::decision> decisions_;
};

} // namespace fake
