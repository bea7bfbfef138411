// Logging for the daemon: syslog, and standard error when running in the
// foreground (tests and debugging read that). One line per decision,
// same shape every time: fixed words, then key=value fields.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy.hpp"

namespace milter {

enum class log_level { error, warning, info, debug };

// Opens syslog with `facility`; `to_stderr` copies every line there.
void log_open(int facility, bool to_stderr);
void log_line(log_level level, std::string_view line);

// The per-decision line, e.g.
//   decision qid=4XyZ client=mx.evil.example[192.0.2.7] sender=<a@evil.example>
//   rcpt=<b@example.net> result=fail action=reject reason="..."
std::string decision_line(std::string_view stage, std::string_view queue_id,
                          connection_facts const &conn, std::string_view sender,
                          std::string_view recipient, verdict const &v);

// Counters for the periodic statistics line. Thread-safe.
class statistics {
      public:
	void connection() { ++connections_; }
	void message() { ++messages_; }
	void count(verdict const &v);
	// "stats connections=.. messages=.. pass=.. ..." since the last call.
	std::string take_line();

      private:
	std::atomic<std::uint64_t> connections_{0}, messages_{0}, pass_{0}, fail_{0}, temperror_{0},
	        permerror_{0}, skipped_{0}, rejected_{0}, tempfailed_{0}, would_reject_{0};
};

} // namespace milter
