// parse_message() from many threads at once gives the same results as
// from one: GMime, iconv and libmagic state is per call or guarded.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "ai/message.hpp"
#include "archive_fixtures.hpp"
#include "mail_fixtures.hpp"

using namespace ai;

namespace {

// A compact fingerprint of a parse result.
std::string summary(parsed_message const &m)
{
	std::string s = m.subject + "|" + m.from_display + "|" + std::to_string(m.text.size()) +
	                "|" + std::to_string(m.links.size());
	for (auto const &a : m.attachments) {
		s += "|" + a.filename + ":" + a.detected_type;
		for (auto const &f : a.findings)
			s += "," + f.rule;
	}
	for (auto const &f : m.structure)
		s += "|" + f.rule;
	return s;
}

} // namespace

TEST_CASE("parallel parses agree with a serial parse")
{
	std::string pe = std::string("MZ\x90\x00", 4) + std::string(100, '\0');
	std::vector<std::string> messages = {
	        fixtures::message_with_attachment(
	                fixtures::make_archive({{"請求書.exe", pe}}, "zip", "pw-1234"),
	                "filename*=UTF-8''" + fixtures::percent("請求書.zip"), "application/zip",
	                "パスワード：pw-1234"),
	        "From: " + fixtures::encoded_word("佐藤", "ISO-2022-JP") +
	                " <s@example.jp>\r\nSubject: " +
	                fixtures::encoded_word("至急：お支払い", "Shift_JIS") +
	                "\r\nContent-Type: text/plain; charset=EUC-JP\r\n\r\n" +
	                fixtures::encode("請求書をご確認ください https://example.jp/x", "EUC-JP"),
	        fixtures::message_with_attachment("%PDF-1.4\n/OpenAction << /S /JavaScript >>\n",
	                                          "filename=a.pdf")};
	std::vector<std::string> expected;
	for (auto const &m : messages)
		expected.push_back(summary(parse_message(m)));

	std::atomic<int> mismatches{0};
	std::vector<std::thread> threads;
	for (int t = 0; t < 6; ++t)
		threads.emplace_back([&, t] {
			for (int round = 0; round < 15; ++round) {
				std::size_t i =
				        static_cast<std::size_t>(t + round) % messages.size();
				if (summary(parse_message(messages[i])) != expected[i])
					++mismatches;
			}
		});
	for (auto &t : threads)
		t.join();
	CHECK(mismatches.load() == 0);
	CHECK(expected[0].find("archive.password_in_message") != std::string::npos);
	CHECK(expected[1].find("至急：お支払い|佐藤") != std::string::npos);
}
