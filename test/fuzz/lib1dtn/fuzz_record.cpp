// libFuzzer target for the 1DTN record parser, the linter and record
// selection: arbitrary bytes must never crash them, and what parses
// must be self-consistent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "1dtn/domain.hpp"
#include "1dtn/pattern.hpp"
#include "1dtn/record.hpp"

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
	std::string_view text(reinterpret_cast<char const *>(data), size);

	auto parsed = dtn::parse_record(text);
	auto findings = dtn::lint_record(text);
	bool lint_error = false;
	for (auto const &finding : findings)
		lint_error = lint_error || finding.error;
	// The linter finds an error exactly when the parser refuses.
	if (parsed.has_value() == lint_error)
		std::abort();

	if (parsed) {
		for (auto const &pattern : parsed->trust) {
			// Every stored pattern is a normalised A-label pattern.
			auto bare = pattern.starts_with("*.") ? pattern.substr(2) : pattern;
			auto again = dtn::to_a_label(bare);
			if (!again || *again != bare)
				std::abort();
			(void)dtn::pattern_matches(pattern, "a." + bare);
		}
		for (auto const &include : parsed->includes)
			(void)dtn::organizational_domain(include);
	}

	// Several TXT records at one name: split the input at newlines.
	std::vector<std::string> records;
	std::size_t start = 0;
	for (std::size_t i = 0; i <= text.size(); ++i)
		if (i == text.size() || text[i] == '\n') {
			records.emplace_back(text.substr(start, i - start));
			start = i + 1;
		}
	(void)dtn::select_record(records);
	return 0;
}
