// Every message of the shared corpus parses without crashing, and the
// walk finds what the corpus is known to hold.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "ai/message.hpp"
#include "lab.hpp"
#include "mail_fixtures.hpp"

using namespace ai;
namespace fs = std::filesystem;

TEST_CASE("every ham, spam and phish message of the corpus parses")
{
	fs::path dev = lab::shared_dir() / "corpus" / "dev";
	REQUIRE(fs::is_directory(dev));
	std::size_t files = 0, with_subject = 0, with_text = 0, with_links = 0, unclosed = 0;
	for (char const *label : {"ham", "spam", "phish"}) {
		for (auto const &entry : fs::directory_iterator(dev / label)) {
			if (!entry.is_regular_file())
				continue;
			std::string raw = lab::read_file(entry.path());
			parsed_message m = parse_message(raw);
			++files;
			with_subject += !m.subject.empty();
			with_text += !m.text.empty() || !m.html.empty();
			with_links += !m.links.empty();
			unclosed += fixtures::has_rule(m.structure, "mime.unclosed_multipart");
		}
	}
	MESSAGE("files " << files << ", subject " << with_subject << ", text " << with_text
	                 << ", links " << with_links << ", unclosed multipart " << unclosed);
	CHECK(files > 5000);
	// Nearly every message has a subject and some text. A raw scan for
	// "--boundary--" finds 62 messages lacking one (some declare a
	// boundary in a part GMime does not treat as multipart).
	CHECK(with_subject * 100 > files * 95);
	CHECK(with_text * 100 > files * 95);
	CHECK(unclosed >= 40);
}
