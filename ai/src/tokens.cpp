#include "ai/tokens.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <unordered_set>

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

// Names of months and days say when a message was written, not what it
// asks: left out so the model cannot learn the era of its training mail.
constexpr std::string_view calendar_words[] = {
        "january",   "february", "march",     "april",    "may",    "june",     "july",   "august",
        "september", "october",  "november",  "december", "jan",    "feb",      "mar",    "apr",
        "jun",       "jul",      "aug",       "sep",      "sept",   "oct",      "nov",    "dec",
        "monday",    "tuesday",  "wednesday", "thursday", "friday", "saturday", "sunday", "mon",
        "tue",       "wed",      "thu",       "fri",      "sat",    "sun",      "am",     "pm"};
// English function words: they mark the register of a text (a mailing
// list's "I think we" against marketing's "your ... our") more than what
// it asks, and would teach the model genre instead of threat.
constexpr std::string_view function_words[] = {
        "the",  "and",   "or",   "of",    "to",    "in",   "on",    "at",     "by",    "for",
        "with", "from",  "as",   "is",    "are",   "was",  "were",  "be",     "been",  "it",
        "its",  "this",  "that", "these", "those", "an",   "a",     "i",      "me",    "my",
        "we",   "us",    "our",  "ours",  "you",   "your", "yours", "he",     "she",   "him",
        "her",  "his",   "they", "them",  "their", "not",  "no",    "do",     "does",  "did",
        "have", "has",   "had",  "will",  "would", "can",  "could", "should", "shall", "if",
        "but",  "so",    "than", "then",  "there", "here", "what",  "which",  "who",   "whom",
        "when", "where", "why",  "how",   "all",   "any",  "some",  "more",   "most",  "other",
        "into", "out",   "up",   "down",  "about", "over", "just",  "also",   "very",  "too",
        "only", "own",   "same", "such",  "each",  "both", "der",   "die",    "das",   "und",
        "ist",  "sie",   "ihr",  "ihre",  "den",   "dem",  "des",   "o",      "os",    "as",
        "de",   "da",    "do",   "em",    "um",    "uma",  "para",  "com",    "que",   "seu",
        "sua"};

// Both lists in one hash set, built once.
bool is_left_out(std::string_view w)
{
	static std::unordered_set<std::string_view> const left_out = [] {
		std::unordered_set<std::string_view> set;
		set.insert(std::begin(calendar_words), std::end(calendar_words));
		set.insert(std::begin(function_words), std::end(function_words));
		return set;
	}();
	return w.size() <= 9 && left_out.count(w) != 0;
}

// Length of the URL starting at `pos` ("http://...", "www..."), or 0.
// Links are judged by the link rules; their letters ("https" against
// "http") would only teach the era.
std::size_t url_length(std::string_view s, std::size_t pos)
{
	auto rest = s.substr(pos, 12);
	auto lowered = text::lower_ascii(rest);
	bool url = lowered.starts_with("www.") ||
	           ((lowered.starts_with("http") || lowered.starts_with("ftp")) &&
	            lowered.find("://") != std::string::npos && lowered.find("://") <= 5);
	if (!url)
		return 0;
	auto end = s.find_first_of(" \t\r\n<>\"'", pos);
	return (end == std::string_view::npos ? s.size() : end) - pos;
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
		if (letters >= min_word && letters <= max_word && !is_left_out(word))
			each(word, bucket_of(word, subject, options.bits));
		word.clear();
		letters = 0;
	};
	for (std::size_t pos = 0; pos < input.size();) {
		if (word.empty() && (input[pos] == 'h' || input[pos] == 'H' || input[pos] == 'w' ||
		                     input[pos] == 'W' || input[pos] == 'f' || input[pos] == 'F')) {
			if (auto skip = url_length(input, pos); skip > 0) {
				pos += skip;
				previous_cjk.clear();
				continue;
			}
		}
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
