// The MIME walk: headers, charsets (Japanese above all), file names,
// links and broken structure.
#include <doctest/doctest.h>

#include <string>

#include "ai/message.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
using fixtures::encode;
using fixtures::encoded_word;
using fixtures::has_rule;

namespace {

std::string header_block(std::string const &subject, std::string const &content_type,
                         std::string const &encoding = "8bit")
{
	return "From: " + encoded_word("経理部 佐藤", "ISO-2022-JP") +
	       " <sato@example.co.jp>\r\n"
	       "To: tanaka@example.jp\r\n"
	       "Reply-To: billing@example.net\r\n"
	       "Subject: " +
	       subject +
	       "\r\n"
	       "Date: Thu, 03 Dec 2026 10:00:00 +0900\r\n"
	       "Message-ID: <jp-1@example.co.jp>\r\n"
	       "MIME-Version: 1.0\r\n"
	       "Content-Type: " +
	       content_type +
	       "\r\n"
	       "Content-Transfer-Encoding: " +
	       encoding + "\r\n\r\n";
}

std::string const subject_text = "請求書のご送付（至急）";
std::string const body_text = "いつもお世話になっております。\r\n請求書を添付いたします。"
                              "お支払いは今月末までにお願いします。\r\n";

} // namespace

TEST_CASE("ISO-2022-JP subject, sender and body decode to UTF-8")
{
	std::string raw = header_block(encoded_word(subject_text, "ISO-2022-JP"),
	                               "text/plain; charset=ISO-2022-JP", "7bit") +
	                  encode(body_text, "ISO-2022-JP");
	parsed_message m = parse_message(raw);
	CHECK(m.subject == subject_text);
	CHECK(m.from_display == "経理部 佐藤");
	CHECK(m.from_address == "sato@example.co.jp");
	CHECK(m.reply_to == "billing@example.net");
	CHECK(m.message_id == "<jp-1@example.co.jp>");
	CHECK(m.date == "Thu, 03 Dec 2026 10:00:00 +0900");
	REQUIRE(m.date_unix.has_value());
	CHECK(*m.date_unix == 1796259600);
	CHECK(m.text.find("お支払いは今月末まで") != std::string::npos);
	CHECK(m.structure.empty());
}

TEST_CASE("Shift_JIS and EUC-JP bodies decode when declared")
{
	for (char const *charset : {"Shift_JIS", "EUC-JP"}) {
		CAPTURE(charset);
		std::string raw = header_block(encoded_word(subject_text, charset),
		                               std::string("text/plain; charset=") + charset) +
		                  encode(body_text, charset);
		parsed_message m = parse_message(raw);
		CHECK(m.subject == subject_text);
		CHECK(m.text.find("請求書を添付いたします") != std::string::npos);
	}
}

TEST_CASE("undeclared 8-bit Japanese is recognised")
{
	for (char const *charset : {"SHIFT_JIS", "EUC-JP", "UTF-8"}) {
		CAPTURE(charset);
		// Raw 8-bit subject with no encoded word, and no charset on the body.
		std::string raw = header_block(encode(subject_text, charset), "text/plain") +
		                  encode(body_text, charset);
		parsed_message m = parse_message(raw);
		CHECK(m.subject == subject_text);
		CHECK(m.text.find("お支払いは今月末まで") != std::string::npos);
	}
}

TEST_CASE("raw ISO-2022-JP in a header without encoded words is decoded")
{
	std::string raw = header_block(encode(subject_text, "ISO-2022-JP"), "text/plain", "7bit") +
	                  encode(body_text, "ISO-2022-JP");
	parsed_message m = parse_message(raw);
	CHECK(m.subject == subject_text);
	CHECK(m.text.find("請求書を添付いたします") != std::string::npos);
}

TEST_CASE("a wrong Latin-1 label on UTF-8 bytes does not hide the text")
{
	std::string raw =
	        header_block("invoice", "text/plain; charset=us-ascii") + "Café crème\r\n";
	parsed_message m = parse_message(raw);
	CHECK(m.text.find("Café crème") != std::string::npos);
}

TEST_CASE("RFC 2231 Japanese file name: 請求書.pdf.exe")
{
	std::string name = "請求書.pdf.exe";
	std::string params = "filename*=UTF-8''" + fixtures::percent(name);
	std::string raw =
	        fixtures::message_with_attachment("MZ\x90\x00 not really a program", params);
	parsed_message m = parse_message(raw);
	REQUIRE(m.attachments.size() == 1);
	CHECK(m.attachments[0].filename == name);
	CHECK(has_rule(m.attachments[0].findings, "attachment.double_extension"));
	CHECK(has_rule(m.attachments[0].findings, "attachment.executable"));
}

TEST_CASE("RFC 2231 continuation in ISO-2022-JP and Shift_JIS")
{
	std::string name = "見積書_2026年12月.xlsx";
	for (char const *charset : {"ISO-2022-JP", "Shift_JIS"}) {
		CAPTURE(charset);
		std::string encoded = fixtures::percent(encode(name, charset));
		std::size_t half = encoded.size() / 2;
		while (encoded[half] == '%' || encoded[half - 1] == '%' || encoded[half - 2] == '%')
			++half; // split between escapes
		std::string params = std::string("\r\n filename*0*=") + charset + "''" +
		                     encoded.substr(0, half) +
		                     ";\r\n filename*1*=" + encoded.substr(half);
		parsed_message m =
		        parse_message(fixtures::message_with_attachment("PK\x03\x04", params));
		REQUIRE(m.attachments.size() == 1);
		CHECK(m.attachments[0].filename == name);
	}
}

TEST_CASE("non-standard RFC 2047 words in filename= and name= are decoded")
{
	std::string name = "納品書.pdf";
	std::string raw = fixtures::message_with_attachment(
	        "%PDF-1.4\n%%EOF\n", "filename=\"" + encoded_word(name, "ISO-2022-JP") + "\"",
	        "application/pdf; name=\"" + encoded_word(name, "UTF-8") + "\"");
	parsed_message m = parse_message(raw);
	REQUIRE(m.attachments.size() == 1);
	CHECK(m.attachments[0].filename == name);
	CHECK(m.attachments[0].declared_type == "application/pdf");
	CHECK(m.attachments[0].detected_type == "application/pdf");
}

TEST_CASE("an mbox From line is skipped")
{
	std::string raw = "From sender@example.com Thu Dec  3 10:00:00 2026\n"
	                  "From: a@example.com\nSubject: hello\n\nbody\n";
	parsed_message m = parse_message(raw);
	CHECK(m.subject == "hello");
	CHECK(m.from_address == "a@example.com");
	CHECK(m.text == "body\n");
}

TEST_CASE("links: anchors with their text, and bare URLs in plain text")
{
	std::string raw =
	        "From: a@example.com\r\nSubject: links\r\nMIME-Version: 1.0\r\n"
	        "Content-Type: multipart/alternative; boundary=x\r\n\r\n"
	        "--x\r\nContent-Type: text/plain\r\n\r\n"
	        "Sign in at https://login.example.net/verify?id=1. Or www.example.org.\r\n"
	        "--x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
	        "<p>Hi</p><A class=btn HREF=\"https://evil.example/a?x=1&amp;y=2\">"
	        "<b>https://bank.example.com</b></A> <a href='mailto:x@y'>mail &amp; more</a>\r\n"
	        "--x--\r\n";
	parsed_message m = parse_message(raw);
	REQUIRE(m.links.size() == 4);
	CHECK(m.links[0].url == "https://evil.example/a?x=1&y=2");
	CHECK(m.links[0].text == "https://bank.example.com");
	CHECK(m.links[1].url == "mailto:x@y");
	CHECK(m.links[1].text == "mail & more");
	CHECK(m.links[2].url == "https://login.example.net/verify?id=1");
	CHECK(m.links[2].text.empty());
	CHECK(m.links[3].url == "www.example.org");
	CHECK(m.html.find("<p>Hi</p>") != std::string::npos);
}

TEST_CASE("an unclosed multipart is a signal and its parts are still read")
{
	std::string raw = "From: a@example.com\r\nSubject: open\r\nMIME-Version: 1.0\r\n"
	                  "Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
	                  "--zz\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n"
	                  "--zz\r\nContent-Type: application/octet-stream\r\n"
	                  "Content-Disposition: attachment; filename=run.exe\r\n\r\nMZ....\r\n";
	parsed_message m = parse_message(raw);
	CHECK(has_rule(m.structure, "mime.unclosed_multipart"));
	CHECK(m.text.find("first part") != std::string::npos);
	REQUIRE(m.attachments.size() == 1);
	CHECK(m.attachments[0].filename == "run.exe");
}

TEST_CASE("a truncated message gives what could be read")
{
	std::string full =
	        fixtures::message_with_attachment(std::string(3000, 'A'), "filename=a.txt");
	for (std::size_t cut : {0, 1, 10, 60, 200, 300, 400, 1000, 2000}) {
		CAPTURE(cut);
		parsed_message m =
		        parse_message(std::string_view(full).substr(0, std::min(cut, full.size())));
		if (cut >= 300) {
			CHECK(m.subject == "attachment test");
			CHECK(has_rule(m.structure, "mime.unclosed_multipart"));
		}
	}
	parsed_message m = parse_message(std::string_view(full).substr(0, 1000));
	CHECK(m.text.find("Please see") != std::string::npos);
}

namespace {
std::string nested_message(int levels)
{
	std::string raw = "From: a@example.com\r\nSubject: deep\r\nMIME-Version: 1.0\r\n";
	for (int i = 0; i < levels; ++i)
		raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
		       "\r\n\r\n--b" + std::to_string(i) + "\r\n";
	raw += "Content-Type: text/plain\r\n\r\ninnermost\r\n";
	for (int i = levels - 1; i >= 0; --i)
		raw += "--b" + std::to_string(i) + "--\r\n";
	return raw;
}
} // namespace

TEST_CASE("nesting deeper than the limit is a signal, not a crash")
{
	std::string raw = nested_message(15);
	parse_limits limits;
	limits.max_depth = 10;
	parsed_message m = parse_message(raw, limits);
	CHECK(has_rule(m.structure, "mime.depth_limit"));
	CHECK(m.text.find("innermost") == std::string::npos);
	parsed_message deep_ok = parse_message(raw);
	CHECK(deep_ok.text.find("innermost") != std::string::npos);
	CHECK_FALSE(has_rule(deep_ok.structure, "mime.depth_limit"));
	// Far deeper than any parser stack should go.
	parsed_message hostile = parse_message(nested_message(20000));
	CHECK(has_rule(hostile.structure, "mime.depth_limit"));
}

TEST_CASE("more parts than the limit is a signal")
{
	std::string raw = "From: a@example.com\r\nSubject: many\r\nMIME-Version: 1.0\r\n"
	                  "Content-Type: multipart/mixed; boundary=p\r\n\r\n";
	for (int i = 0; i < 300; ++i)
		raw += "--p\r\nContent-Type: text/plain\r\n\r\npart " + std::to_string(i) + "\r\n";
	raw += "--p--\r\n";
	parse_limits limits;
	limits.max_parts = 50;
	parsed_message m = parse_message(raw, limits);
	CHECK(has_rule(m.structure, "mime.part_limit"));
	CHECK(m.text.find("part 10\n") != std::string::npos);
	CHECK(m.text.find("part 200") == std::string::npos);
}

TEST_CASE("garbage and empty input never fail")
{
	for (std::string const &raw :
	     {std::string(), std::string("\0\0\0", 3), std::string("\r\n\r\n"),
	      std::string(5000, '\xFF'), std::string("Content-Type: multipart/mixed\r\n\r\n--")}) {
		parsed_message m = parse_message(raw);
		CHECK(m.attachments.size() <= 1);
	}
}
