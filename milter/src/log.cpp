#include "log.hpp"

#include <mutex>

#include <syslog.h>
#include <unistd.h>

namespace milter {
namespace {

bool copy_to_stderr = false;
std::mutex stderr_mutex;

int syslog_priority(log_level level)
{
	switch (level) {
	case log_level::error:
		return LOG_ERR;
	case log_level::warning:
		return LOG_WARNING;
	case log_level::info:
		return LOG_INFO;
	case log_level::debug:
		return LOG_DEBUG;
	}
	return LOG_INFO;
}

std::string_view action_name(verdict const &v)
{
	switch (v.action) {
	case verdict_action::accept:
		return v.would_reject ? "would-reject" : "accept";
	case verdict_action::reject:
		return "reject";
	case verdict_action::tempfail:
		return "tempfail";
	}
	return "accept";
}

std::string quoted_field(std::string_view text)
{
	std::string out = "\"";
	for (char c : printable(text, 300))
		out += c == '"' ? '\'' : c;
	return out + "\"";
}

} // namespace

void log_open(int facility, bool to_stderr)
{
	copy_to_stderr = to_stderr;
	openlog("1dall-milter", LOG_PID | LOG_NDELAY, facility);
}

void log_line(log_level level, std::string_view line)
{
	std::string safe = printable(line, 2000);
	syslog(syslog_priority(level), "%s", safe.c_str());
	if (copy_to_stderr) {
		safe += '\n';
		std::lock_guard lock(stderr_mutex);
		auto written = ::write(STDERR_FILENO, safe.data(), safe.size());
		(void)written;
	}
}

std::string decision_line(std::string_view stage, std::string_view queue_id,
                          connection_facts const &conn, std::string_view sender,
                          std::string_view recipient, verdict const &v)
{
	std::string line = "decision stage=" + std::string(stage);
	line += " qid=" + std::string(queue_id.empty() ? "NOQUEUE" : queue_id);
	line += " client=" + printable(conn.client_name, 255) + "[" +
	        printable(conn.client_ip, 64) + "]";
	line += " sender=<" + printable(sender, 320) + ">";
	line += " rcpt=<" + printable(recipient, 320) + ">";
	line += " result=" + v.result;
	line += " action=" + std::string(action_name(v));
	line += " reason=" + quoted_field(v.reason);
	return line;
}

void statistics::count(verdict const &v)
{
	if (v.result == "pass")
		++pass_;
	else if (v.result == "fail")
		++fail_;
	else if (v.result == "temperror")
		++temperror_;
	else if (v.result == "permerror")
		++permerror_;
	else
		++skipped_;
	if (v.action == verdict_action::reject)
		++rejected_;
	else if (v.action == verdict_action::tempfail)
		++tempfailed_;
	if (v.would_reject)
		++would_reject_;
}

std::string statistics::take_line()
{
	auto field = [](std::string_view name, std::atomic<std::uint64_t> &counter) {
		return " " + std::string(name) + "=" + std::to_string(counter.exchange(0));
	};
	return "stats" + field("connections", connections_) + field("messages", messages_) +
	       field("pass", pass_) + field("fail", fail_) + field("temperror", temperror_) +
	       field("permerror", permerror_) + field("skipped", skipped_) +
	       field("rejected", rejected_) + field("tempfailed", tempfailed_) +
	       field("would_reject", would_reject_);
}

} // namespace milter
