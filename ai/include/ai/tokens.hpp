// Words for the optional token model: the visible text cut into words
// (Latin, Greek, Cyrillic) and character pairs (Japanese and Chinese),
// each hashed into one of 2^bits buckets. Digits are dropped so that
// dates, prices and years do not become features.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace ai {

struct token_options {
	unsigned bits = 18;
	std::size_t max_text_bytes = 256 << 10; // the rest of a long text is not read
};

// Calls `each(word, bucket)` for every word of `text`, repeats included.
// Words from the subject are hashed apart from body words: a word means
// more in a subject line.
void for_each_token(std::string_view text, bool subject, token_options const &options,
                    std::function<void(std::string_view word, std::uint32_t bucket)> const &each);

// The distinct buckets of a message's subject and visible body, sorted.
std::vector<std::uint32_t> token_buckets(std::string_view subject, std::string_view body,
                                         token_options const &options);

} // namespace ai
