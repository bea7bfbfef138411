// Builders for the rule tests: parsed messages made by hand, so the rules
// are tested apart from the MIME parser.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "ai/message.hpp"

namespace rule_test {

inline ai::parsed_message plain_message()
{
	ai::parsed_message m;
	m.subject = "Minutes of Tuesday's meeting";
	m.from_display = "Hanako Sato";
	m.from_address = "hanako@partner.co.jp";
	m.date = "Tue, 1 Dec 2026 09:12:44 +0900";
	m.message_id = "<20261201091244.1234@mail.partner.co.jp>";
	m.headers = {{"From", "Hanako Sato <hanako@partner.co.jp>"},
	             {"Date", m.date},
	             {"Message-ID", m.message_id},
	             {"Subject", m.subject}};
	m.text = "Hello, the minutes are below. Talk soon.";
	return m;
}

inline bool fired(std::vector<ai::signal> const &signals, std::string const &rule)
{
	return std::any_of(signals.begin(), signals.end(),
	                   [&](auto const &s) { return s.rule == rule; });
}

inline std::string detail_of(std::vector<ai::signal> const &signals, std::string const &rule)
{
	for (auto const &s : signals)
		if (s.rule == rule)
			return s.detail;
	return {};
}

} // namespace rule_test
