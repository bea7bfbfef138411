// Office documents from the shared corpus (SpamAssassin's test mail),
// read in place: macros, renamed macros, a password-protected zip, an
// encrypted document, a remote template, and clean files.
#include <doctest/doctest.h>

#include <string>

#include "ai/message.hpp"
#include "lab.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
using fixtures::any_attachment_has;
using fixtures::has_rule;

namespace {

parsed_message corpus_message(char const *name)
{
	std::string raw = lab::read_file(lab::shared_dir() / "corpus" / "office-macro" / name);
	REQUIRE(!raw.empty());
	return parse_message(raw);
}

bool any_finding(parsed_message const &m)
{
	for (auto const &a : m.attachments)
		if (!a.findings.empty())
			return true;
	return false;
}

} // namespace

TEST_CASE("a macro workbook has a VBA project and a macro-enabled name")
{
	for (char const *name : {"macro.eml", "malicemacro.eml"}) {
		CAPTURE(name);
		parsed_message m = corpus_message(name);
		REQUIRE(m.attachments.size() == 1);
		CHECK(m.attachments[0].filename.ends_with(".xlsm"));
		CHECK(has_rule(m.attachments[0].findings, "office.vba_macro"));
		CHECK(has_rule(m.attachments[0].findings, "office.macro_extension"));
		CHECK_FALSE(has_rule(m.attachments[0].findings, "attachment.type_mismatch"));
	}
}

TEST_CASE("a macro workbook renamed to .jpg is a macro and a type mismatch")
{
	parsed_message m = corpus_message("renamedmacro.eml");
	REQUIRE(m.attachments.size() == 1);
	CHECK(m.attachments[0].filename == "renamed.jpg");
	CHECK(has_rule(m.attachments[0].findings, "office.vba_macro"));
	CHECK(has_rule(m.attachments[0].findings, "attachment.type_mismatch"));
}

TEST_CASE("a password-protected zip holding a macro document is opened with the message's password")
{
	parsed_message m = corpus_message("zippwmacro.eml");
	REQUIRE(m.attachments.size() == 2);
	CHECK(has_rule(m.attachments[0].findings, "archive.encrypted"));
	CHECK(has_rule(m.attachments[0].findings, "archive.password_in_message"));
	CHECK(m.attachments[1].filename == "macro.xlsm");
	CHECK(m.attachments[1].depth == 1);
	CHECK(has_rule(m.attachments[1].findings, "office.vba_macro"));
}

TEST_CASE("an encrypted Word document is reported as such")
{
	parsed_message m = corpus_message("encrypted.eml");
	REQUIRE(m.attachments.size() == 1);
	CHECK(has_rule(m.attachments[0].findings, "office.encrypted"));
	CHECK_FALSE(has_rule(m.attachments[0].findings, "office.vba_macro"));
}

TEST_CASE("a document's external hyperlinks are collected, not flagged")
{
	parsed_message m = corpus_message("target_uri.eml");
	REQUIRE(m.attachments.size() == 1);
	REQUIRE(m.attachments[0].urls.size() == 1);
	CHECK(m.attachments[0].urls[0] == "https://spamassassin.apache.org/");
	CHECK_FALSE(has_rule(m.attachments[0].findings, "office.external_relationship"));
	CHECK_FALSE(has_rule(m.attachments[0].findings, "office.vba_macro"));
}

TEST_CASE("a clean CSV and a workbook without macros raise nothing")
{
	parsed_message csv = corpus_message("goodcsv.eml");
	REQUIRE(csv.attachments.size() == 1);
	CHECK(csv.attachments[0].filename == "good.csv");
	CHECK_FALSE(any_finding(csv));

	parsed_message plain = corpus_message("nomacro.eml");
	REQUIRE(plain.attachments.size() == 1);
	CHECK(plain.attachments[0].filename == "nomacro.xlsx");
	CHECK_FALSE(any_finding(plain));
	CHECK_FALSE(any_attachment_has(plain, "office.vba_macro"));
}
