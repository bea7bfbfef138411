// PDF: the names that make a document act (JavaScript, actions on open,
// launching programs, embedded files, form submission) are looked for
// in the file and inside compressed object streams, where generators
// and attackers alike put the dictionaries. Names are compared after
// undoing #xx escapes, an old trick to hide /JavaScript from scanners.
#include <zlib.h>

#include <algorithm>
#include <string>

#include "ai/inspect.hpp"

namespace ai {
namespace {

constexpr std::size_t max_object_streams = 256;
constexpr std::size_t max_inflated_per_stream = 4 << 20;
constexpr std::size_t max_inflated_total = 32 << 20;

void add_finding(std::vector<signal> &findings, std::string_view rule, std::string detail,
                 double strength = 1.0)
{
	for (auto &f : findings)
		if (f.rule == rule) {
			f.strength = std::max(f.strength, strength);
			return;
		}
	findings.push_back({std::string(rule), std::move(detail), strength});
}

bool is_delimiter(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0' ||
	       c == '/' || c == '[' || c == ']' || c == '<' || c == '>' || c == '(' || c == ')' ||
	       c == '{' || c == '}' || c == '%';
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::size_t skip_space(std::string_view s, std::size_t i)
{
	while (i < s.size() &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\f'))
		++i;
	return i;
}

// A literal string "(...)" starting at s[i], escapes kept simple.
std::string literal_string(std::string_view s, std::size_t i)
{
	std::string out;
	if (i >= s.size() || s[i] != '(')
		return out;
	int depth = 0;
	for (; i < s.size() && out.size() < 2048; ++i) {
		char c = s[i];
		if (c == '\\' && i + 1 < s.size()) {
			out += s[++i];
			continue;
		}
		if (c == '(' && depth++ == 0)
			continue;
		if (c == ')' && --depth == 0)
			break;
		out += c;
	}
	return out;
}

class pdf_scanner {
      public:
	pdf_scanner(std::vector<signal> &findings, std::vector<std::string> *urls)
	    : findings_(findings), urls_(urls)
	{}

	// Looks at every name in `s`.
	void scan_names(std::string_view s)
	{
		for (std::size_t slash = s.find('/'); slash != std::string_view::npos;
		     slash = s.find('/', slash + 1)) {
			std::string name;
			bool escaped = false;
			std::size_t i = slash + 1;
			for (; i < s.size() && !is_delimiter(s[i]) && name.size() < 32; ++i) {
				if (s[i] == '#' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
				    hex_value(s[i + 2]) >= 0) {
					name += static_cast<char>(hex_value(s[i + 1]) * 16 +
					                          hex_value(s[i + 2]));
					i += 2;
					escaped = true;
				} else {
					name += s[i];
				}
			}
			judge(name, escaped, s, i);
		}
	}

	// Inflates the object streams (/Type /ObjStm) and scans their names.
	void scan_object_streams(std::string_view s)
	{
		std::size_t streams = 0;
		for (std::size_t at = s.find("/ObjStm");
		     at != std::string_view::npos && streams < max_object_streams;
		     at = s.find("/ObjStm", at + 1), ++streams) {
			std::size_t keyword = s.find("stream", at);
			if (keyword == std::string_view::npos || keyword - at > 1024)
				continue;
			std::size_t data = keyword + 6;
			if (data < s.size() && s[data] == '\r')
				++data;
			if (data < s.size() && s[data] == '\n')
				++data;
			std::size_t end = s.find("endstream", data);
			if (end == std::string_view::npos)
				end = s.size();
			std::string inflated = inflate(s.substr(data, end - data));
			if (!inflated.empty())
				scan_names(inflated);
			at = std::max(at, end);
		}
	}

      private:
	void judge(std::string const &name, bool escaped, std::string_view s, std::size_t after)
	{
		bool interesting = true;
		if (name == "JavaScript" || name == "JS")
			add_finding(findings_, "pdf.javascript", "/" + name);
		else if (name == "OpenAction") {
			// An array is only the page to show first; a dictionary or a
			// reference is an action.
			std::size_t v = skip_space(s, after);
			if (v < s.size() && s[v] != '[')
				add_finding(findings_, "pdf.open_action", "/OpenAction", 0.6);
		} else if (name == "AA")
			add_finding(findings_, "pdf.open_action", "/AA (additional actions)", 0.5);
		else if (name == "Launch")
			add_finding(findings_, "pdf.launch", "/Launch");
		else if (name == "EmbeddedFile" || name == "EmbeddedFiles")
			add_finding(findings_, "pdf.embedded_file", "/" + name);
		else if (name == "SubmitForm")
			add_finding(findings_, "pdf.submit_form", "/SubmitForm");
		else if (name == "URI")
			collect_uri(s, after);
		else
			interesting = false;
		if (escaped && interesting)
			add_finding(findings_, "pdf.name_obfuscation", "#-escaped /" + name);
	}

	void collect_uri(std::string_view s, std::size_t after)
	{
		if (!urls_ || urls_->size() >= 100)
			return;
		std::string uri = literal_string(s, skip_space(s, after));
		if (!uri.empty() && std::find(urls_->begin(), urls_->end(), uri) == urls_->end())
			urls_->push_back(std::move(uri));
	}

	std::string inflate(std::string_view compressed)
	{
		std::string out;
		if (inflated_total_ >= max_inflated_total)
			return out;
		z_stream z{};
		if (inflateInit(&z) != Z_OK)
			return out;
		z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
		z.avail_in = static_cast<uInt>(std::min<std::size_t>(compressed.size(), 1u << 30));
		std::size_t cap =
		        std::min(max_inflated_per_stream, max_inflated_total - inflated_total_);
		char buffer[16384];
		int rc = Z_OK;
		while (rc == Z_OK && out.size() < cap) {
			z.next_out = reinterpret_cast<Bytef *>(buffer);
			z.avail_out = sizeof buffer;
			rc = ::inflate(&z, Z_NO_FLUSH);
			out.append(buffer, sizeof buffer - z.avail_out);
		}
		inflateEnd(&z);
		inflated_total_ += out.size();
		return out;
	}

	std::vector<signal> &findings_;
	std::vector<std::string> *urls_;
	std::size_t inflated_total_ = 0;
};

} // namespace

void inspect_pdf(std::string_view content, std::vector<signal> &findings,
                 std::vector<std::string> *urls)
{
	pdf_scanner scanner(findings, urls);
	scanner.scan_names(content);
	scanner.scan_object_streams(content);
}

} // namespace ai
