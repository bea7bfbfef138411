// HTML and SVG attachments. Opened from a mail client they run in the
// browser, outside the mail gateway's view: "HTML smuggling" builds the
// payload there (a script turning a large base64 blob into a download),
// and phishing pages ask for the password locally or redirect.
#include <algorithm>
#include <string>

#include "ai/inspect.hpp"

namespace ai {
namespace {

constexpr std::size_t large_blob = 8 * 1024;
constexpr std::size_t max_scanned = 16 << 20;

void add_finding(std::vector<signal> &findings, std::string_view rule, std::string detail,
                 double strength = 1.0)
{
	for (auto &f : findings)
		if (f.rule == rule) {
			if (strength > f.strength) {
				f.strength = strength;
				f.detail = std::move(detail);
			}
			return;
		}
	findings.push_back({std::string(rule), std::move(detail), strength});
}

bool is_base64_byte(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '=';
}

// The longest run of base64 characters: a payload is one long string.
std::size_t longest_base64_run(std::string_view s)
{
	std::size_t best = 0, run = 0;
	for (char c : s) {
		run = is_base64_byte(c) ? run + 1 : 0;
		best = std::max(best, run);
	}
	return best;
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

bool contains_any(std::string_view s, std::initializer_list<std::string_view> needles)
{
	return std::any_of(needles.begin(), needles.end(),
	                   [&](std::string_view n) { return s.find(n) != std::string_view::npos; });
}

} // namespace

void inspect_html(std::string_view content, std::vector<signal> &findings)
{
	std::string_view scanned = content.substr(0, std::min(content.size(), max_scanned));
	std::string text = lower(scanned);
	bool script = contains_any(text, {"<script", "javascript:", "onload="});
	bool builds_file = contains_any(text, {"mssaveoropenblob", "mssaveblob", "createobjecturl",
	                                       "new blob", "new file(", ".download", " download="});
	bool decodes = contains_any(text, {"atob(", "fromcharcode", "uint8array", "base64"});
	std::size_t blob = longest_base64_run(scanned);

	if (script && builds_file && blob >= large_blob)
		add_finding(findings, "html.smuggling",
		            "script builds a download from a " + std::to_string(blob) +
		                    "-byte blob");
	else if (script && decodes && blob >= 4 * large_blob)
		add_finding(findings, "html.smuggling",
		            "script decodes a " + std::to_string(blob) + "-byte blob", 0.6);

	// A file in a data: URI downloads on one click, no script needed.
	for (std::size_t at = text.find("data:application/"); at != std::string::npos;
	     at = text.find("data:application/", at + 1)) {
		std::size_t comma = text.find(";base64,", at);
		if (comma == std::string::npos || comma - at > 100)
			continue;
		bool program = scanned.substr(comma + 8).starts_with("TV");
		add_finding(findings, "html.smuggling",
		            program ? "data: URI holds a Windows program"
		                    : "data: URI holds a file",
		            program ? 1.0 : 0.6);
		if (program)
			break;
	}

	bool password_input =
	        contains_any(text, {"type=\"password\"", "type='password'", "type=password"});
	if (password_input)
		add_finding(findings, "html.password_form", "page asks for a password");

	if (contains_any(text, {"http-equiv=\"refresh\"", "http-equiv=refresh",
	                        "http-equiv='refresh'", "window.location", "location.href",
	                        "location.replace(", "document.location"}))
		add_finding(findings, "html.redirect", "page sends the reader elsewhere", 0.6);
}

} // namespace ai
