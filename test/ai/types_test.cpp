// What an attachment is, by content and by name: programs, shortcuts,
// disk images, OneNote, help files, and names built to mislead.
#include <doctest/doctest.h>

#include <string>

#include "ai/message.hpp"
#include "archive_fixtures.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
using fixtures::has_rule;

namespace {

attachment single(std::string const &content, std::string const &name)
{
	parsed_message m = parse_message(
	        fixtures::message_with_attachment(content, "filename=\"" + name + "\""));
	REQUIRE(m.attachments.size() >= 1);
	return m.attachments[0];
}

std::string const pe = std::string("MZ\x90\x00\x03\x00\x00\x00", 8) + std::string(120, '\0');

} // namespace

TEST_CASE("a program named as a document is a program and a type mismatch")
{
	attachment a = single(pe, "scan.pdf");
	// A bare DOS header: libmagic calls it a DOS program.
	CHECK(a.detected_type == "application/x-dosexec");
	CHECK(has_rule(a.findings, "attachment.executable"));
	CHECK(has_rule(a.findings, "attachment.type_mismatch"));
	CHECK_FALSE(has_rule(a.findings, "attachment.double_extension"));
}

TEST_CASE("file name tricks: right-to-left override and padding")
{
	attachment rlo = single(pe, "invoice\xE2\x80\xAE"
	                            "fdp.exe");
	CHECK(has_rule(rlo.findings, "attachment.rtl_override"));
	attachment zw = single("hello", "re\xE2\x80\x8B"
	                                "port.txt");
	CHECK(has_rule(zw.findings, "attachment.invisible_character"));
	CHECK_FALSE(has_rule(zw.findings, "attachment.rtl_override"));
	attachment pad = single(pe, "scan.pdf                              .exe");
	CHECK(has_rule(pad.findings, "attachment.padding"));
}

TEST_CASE("shortcuts, OneNote, help files and scripts are recognised")
{
	std::string lnk =
	        std::string("\x4C\x00\x00\x00\x01\x14\x02\x00", 8) + std::string(80, '\0');
	CHECK(has_rule(single(lnk, "photo.jpg").findings, "attachment.shortcut"));
	std::string one =
	        std::string("\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D", 8) + std::string(64, '\0');
	CHECK(has_rule(single(one, "notes.one").findings, "attachment.onenote"));
	CHECK(has_rule(single("ITSF" + std::string(60, '\0'), "help.chm").findings,
	               "attachment.chm"));
	CHECK(has_rule(single("var s = new ActiveXObject('WScript.Shell');", "invoice.js").findings,
	               "attachment.script"));
	CHECK(has_rule(single("IEX (New-Object Net.WebClient)", "a.ps1").findings,
	               "attachment.script"));
	attachment text = single("just some words\n", "notes.txt");
	CHECK(text.findings.empty());
	CHECK(text.detected_type == "text/plain");
}

TEST_CASE("an ISO image is a disk image, and what it holds is inspected")
{
	std::string iso = fixtures::make_archive({{"invoice.exe", pe}}, "iso9660");
	parsed_message m =
	        parse_message(fixtures::message_with_attachment(iso, "filename=\"invoice.iso\""));
	REQUIRE(m.attachments.size() >= 2);
	CHECK(has_rule(m.attachments[0].findings, "attachment.disk_image"));
	bool found = false;
	for (std::size_t i = 1; i < m.attachments.size(); ++i)
		if (has_rule(m.attachments[i].findings, "attachment.executable")) {
			found = true;
			CHECK(m.attachments[i].depth == 1);
		}
	CHECK(found);

	// A VHD is recognised by its footer even under a harmless name.
	std::string vhd = std::string(4096, '\0') + "conectix" + std::string(504, '\0');
	CHECK(has_rule(single(vhd, "photos.img").findings, "attachment.disk_image"));
}
