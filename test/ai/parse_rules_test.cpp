// Every rule id the parser raises is listed in ai/parse_rules.hpp, so
// models and reports know each one.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "ai/message.hpp"
#include "ai/parse_rules.hpp"
#include "lab.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
namespace fs = std::filesystem;

namespace {

bool listed(std::string const &id)
{
	return std::any_of(std::begin(rules::parse_rules), std::end(rules::parse_rules),
	                   [&](auto const &r) { return r.id == id; });
}

void collect(parsed_message const &m, std::set<std::string> &seen)
{
	for (auto const &s : m.structure)
		seen.insert(s.rule);
	for (auto const &a : m.attachments)
		for (auto const &f : a.findings)
			seen.insert(f.rule);
}

} // namespace

TEST_CASE("the rule table has unique ids")
{
	std::set<std::string_view> ids;
	for (auto const &r : rules::parse_rules)
		CHECK(ids.insert(r.id).second);
}

TEST_CASE("rules raised on the office and ClamAV samples are all in the table")
{
	std::set<std::string> seen;
	fs::path corpus = lab::shared_dir() / "corpus";
	for (auto const &entry : fs::directory_iterator(corpus / "office-macro"))
		collect(parse_message(lab::read_file(entry.path())), seen);
	for (auto const &entry : fs::directory_iterator(corpus / "dev" / "malware-test")) {
		std::string name = "sample" + entry.path().extension().string();
		collect(parse_message(fixtures::message_with_attachment(
		                lab::read_file(entry.path()), "filename=\"" + name + "\"")),
		        seen);
	}
	CHECK(seen.size() >= 8);
	for (auto const &id : seen) {
		CAPTURE(id);
		CHECK(listed(id));
	}
}
