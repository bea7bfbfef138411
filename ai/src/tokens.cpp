#include "ai/tokens.hpp"

#include <algorithm>
#include <string>

#include "text.hpp"

namespace ai {
namespace {

constexpr std::size_t min_word = 2;
constexpr std::size_t max_word = 24;

bool is_cjk(std::uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0xFF66 && cp <= 0xFF9F);
}

bool is_word_letter(std::uint32_t cp)
{
	if (cp < 0x80)
		return text::is_alpha(static_cast<char>(cp));
	if (cp == 0xD7 || cp == 0xF7)
		return false;
	return (cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x370 && cp <= 0x3FF) ||
	       (cp >= 0x400 && cp <= 0x52F);
}

std::uint32_t fold_case(std::uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		return cp + 0x20;
	return cp;
}

std::uint32_t bucket_of(std::string_view word, bool subject, unsigned bits)
{
	std::uint64_t h = subject ? 0x9E3779B97F4A7C15ull : 0xCBF29CE484222325ull;
	for (char c : word) {
		h ^= static_cast<unsigned char>(c);
		h *= 0x100000001B3ull;
	}
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	h ^= h >> 32;
	return static_cast<std::uint32_t>(h >> (64 - bits));
}

} // namespace

void for_each_token(std::string_view input, bool subject, token_options const &options,
		    std::function<void(std::string_view, std::uint32_t)> const &each)
{
	input = input.substr(0, options.max_text_bytes);
	std::string word;
	std::size_t letters = 0;
	std::string previous_cjk; // the last CJK character, for pairs
	auto flush_word = [&] {
		if (letters >= min_word && letters <= max_word)
			each(word, bucket_of(word, subject, options.bits));
		word.clear();
		letters = 0;
	};
	for (std::size_t pos = 0; pos < input.size();) {
		std::uint32_t cp = text::next_code_point(input, pos);
		if (is_word_letter(cp)) {
			text::append_utf8(word, fold_case(cp));
			++letters;
			previous_cjk.clear();
			continue;
		}
		flush_word();
		if (!is_cjk(cp)) {
			previous_cjk.clear();
			continue;
		}
		std::string current;
		text::append_utf8(current, cp);
		if (!previous_cjk.empty()) {
			std::string pair = previous_cjk + current;
			each(pair, bucket_of(pair, subject, options.bits));
		}
		previous_cjk = std::move(current);
	}
	flush_word();
}

std::vector<std::uint32_t> token_buckets(std::string_view subject, std::string_view body,
					 token_options const &options)
{
	std::vector<std::uint32_t> buckets;
	auto collect = [&](std::string_view, std::uint32_t bucket) { buckets.push_back(bucket); };
	for_each_token(subject, true, options, collect);
	for_each_token(body, false, options, collect);
	std::sort(buckets.begin(), buckets.end());
	buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
	return buckets;
}

} // namespace ai
