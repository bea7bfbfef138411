#include "charset.hpp"

#include "gmime_runtime.hpp"

#include <gmime/gmime.h>
#include <iconv.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>

namespace ai::detail {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";

unsigned char at(std::string_view s, std::size_t i)
{
	return static_cast<unsigned char>(s[i]);
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

// Length of the UTF-8 sequence at `i`, or 0 if it is malformed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i)
{
	unsigned char c = at(s, i);
	if (c < 0x80)
		return 1;
	std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
	if (n == 0 || c > 0xF4 || i + n > s.size())
		return 0;
	for (std::size_t k = 1; k < n; ++k)
		if ((at(s, i + k) & 0xC0) != 0x80)
			return 0;
	unsigned char c1 = at(s, i + 1);
	if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
	    (c == 0xF4 && c1 > 0x8F))
		return 0; // overlong, surrogate or beyond U+10FFFF
	return n;
}

// Counts of multibyte characters that are valid in a Japanese encoding,
// that are kana or Japanese punctuation (which every Japanese text is
// full of), and bytes that cannot occur in it.
struct japanese_fit {
	std::size_t characters = 0;
	std::size_t kana = 0;
	std::size_t invalid = 0;
};

japanese_fit fit_euc_jp(std::string_view s)
{
	japanese_fit fit;
	for (std::size_t i = 0; i < s.size();) {
		unsigned char c = at(s, i);
		if (c < 0x80) {
			++i;
			continue;
		}
		auto trail_ok = [&](std::size_t k) {
			return k < s.size() && at(s, k) >= 0xA1 && at(s, k) <= 0xFE;
		};
		if (c == 0x8E && i + 1 < s.size() && at(s, i + 1) >= 0xA1 && at(s, i + 1) <= 0xDF) {
			++fit.characters;
			i += 2;
		} else if (c == 0x8F && trail_ok(i + 1) && trail_ok(i + 2)) {
			++fit.characters;
			i += 3;
		} else if (c >= 0xA1 && c <= 0xFE && trail_ok(i + 1)) {
			++fit.characters;
			if (c == 0xA1 || c == 0xA4 || c == 0xA5)
				++fit.kana;
			i += 2;
		} else {
			++fit.invalid;
			++i;
		}
	}
	return fit;
}

japanese_fit fit_shift_jis(std::string_view s)
{
	japanese_fit fit;
	for (std::size_t i = 0; i < s.size();) {
		unsigned char c = at(s, i);
		if (c < 0x80) {
			++i;
			continue;
		}
		if (c >= 0xA1 && c <= 0xDF) { // half-width katakana
			++fit.characters;
			++i;
			continue;
		}
		bool lead = (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
		unsigned char t = i + 1 < s.size() ? at(s, i + 1) : 0;
		if (lead && ((t >= 0x40 && t <= 0x7E) || (t >= 0x80 && t <= 0xFC))) {
			++fit.characters;
			if (c >= 0x81 && c <= 0x83)
				++fit.kana;
			i += 2;
		} else {
			++fit.invalid;
			++i;
		}
	}
	return fit;
}

// Japanese text has kana or full-width punctuation in a good share of
// its characters; Latin-1 text that happens to form valid pairs does not.
bool looks_japanese(japanese_fit const &fit)
{
	return fit.characters > 0 && fit.invalid * 50 <= fit.characters &&
	       fit.kana * 5 >= fit.characters;
}

// The iconv name for a charset label, with the Japanese labels mapped to
// the Microsoft supersets real mail uses (①, ㈱, IBM extensions).
std::string iconv_name(std::string_view declared)
{
	std::string label = lower(declared);
	if (label == "shift_jis" || label == "shift-jis" || label == "sjis" || label == "x-sjis" ||
	    label == "windows-31j" || label == "cp932" || label == "ms932" || label == "ms_kanji" ||
	    label == "x-ms-cp932")
		return "CP932";
	if (label == "euc-jp" || label == "x-euc-jp" || label == "eucjp" || label == "euc_jp")
		return "EUC-JP-MS";
	if (label.starts_with("iso-2022-jp") || label == "csiso2022jp")
		return "ISO-2022-JP-3";
	if (label == "utf8")
		return "UTF-8";
	if (label == "iso-8859-1" || label == "latin1" || label == "us-ascii" || label == "ascii")
		return "WINDOWS-1252"; // what mailers mean when they say Latin-1
	ensure_gmime();                // its alias table lives in GMime's global state
	char const *name = g_mime_charset_iconv_name(label.c_str());
	return name ? name : label;
}

// iconv descriptors are costly to open and not thread-safe, so each
// thread keeps its own, one per charset.
class converter_cache {
      public:
	converter_cache() = default;
	converter_cache(converter_cache const &) = delete;
	converter_cache &operator=(converter_cache const &) = delete;
	~converter_cache()
	{
		for (auto &entry : converters_)
			if (entry.second != invalid())
				iconv_close(entry.second);
	}

	// An iconv descriptor from `charset` to UTF-8, or invalid().
	iconv_t get(std::string const &charset)
	{
		auto found = converters_.find(charset);
		if (found != converters_.end()) {
			iconv(found->second, nullptr, nullptr, nullptr, nullptr); // reset state
			return found->second;
		}
		if (converters_.size() > 64)
			return invalid();
		iconv_t cd = iconv_open("UTF-8", charset.c_str());
		converters_.emplace(charset, cd);
		return cd;
	}

	static iconv_t invalid() { return reinterpret_cast<iconv_t>(-1); }

      private:
	std::unordered_map<std::string, iconv_t> converters_;
};

thread_local converter_cache converters;

// Converts with `cd`; a byte iconv rejects becomes U+FFFD and is skipped.
std::string convert(iconv_t cd, std::string_view bytes)
{
	std::string out;
	out.resize(bytes.size() * 2 + 16);
	char *in = const_cast<char *>(bytes.data());
	std::size_t in_left = bytes.size();
	std::size_t used = 0;
	while (in_left > 0) {
		if (out.size() - used < 16)
			out.resize(out.size() * 2);
		char *dst = out.data() + used;
		std::size_t dst_left = out.size() - used;
		std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
		used = out.size() - dst_left;
		if (rc != static_cast<std::size_t>(-1))
			break;
		if (errno == E2BIG) {
			out.resize(out.size() * 2);
		} else if (errno == EILSEQ) {
			out.replace(used, replacement.size(), replacement);
			used += replacement.size();
			++in;
			--in_left;
		} else { // EINVAL: an incomplete sequence at the end
			out.replace(used, replacement.size(), replacement);
			used += replacement.size();
			break;
		}
	}
	char *dst = out.data() + used;
	std::size_t dst_left = out.size() - used;
	iconv(cd, nullptr, nullptr, &dst, &dst_left); // flush a shift state
	out.resize(out.size() - dst_left);
	return out;
}

// Keeps valid UTF-8 and replaces every malformed byte with U+FFFD.
std::string repair_utf8(std::string_view bytes)
{
	std::string out;
	out.reserve(bytes.size());
	for (std::size_t i = 0; i < bytes.size();) {
		std::size_t n = utf8_sequence_length(bytes, i);
		if (n == 0) {
			out += replacement;
			++i;
		} else {
			out.append(bytes.substr(i, n));
			i += n;
		}
	}
	return out;
}

bool has_iso2022_escape(std::string_view bytes)
{
	for (std::size_t at_esc = bytes.find('\x1b'); at_esc != std::string_view::npos;
	     at_esc = bytes.find('\x1b', at_esc + 1))
		if (at_esc + 2 < bytes.size() &&
		    (bytes[at_esc + 1] == '$' || bytes[at_esc + 1] == '('))
			return true;
	return false;
}

} // namespace

bool is_ascii(std::string_view bytes)
{
	// Eight bytes at a time: message bodies are mostly ASCII and long.
	std::size_t i = 0;
	for (; i + 8 <= bytes.size(); i += 8) {
		std::uint64_t word;
		std::memcpy(&word, bytes.data() + i, sizeof word);
		if (word & 0x8080808080808080ULL)
			return false;
	}
	for (; i < bytes.size(); ++i)
		if (static_cast<unsigned char>(bytes[i]) >= 0x80)
			return false;
	return true;
}

bool is_valid_utf8(std::string_view bytes)
{
	for (std::size_t i = 0; i < bytes.size();) {
		if (at(bytes, i) < 0x80) {
			++i;
			continue;
		}
		std::size_t n = utf8_sequence_length(bytes, i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

std::string_view guess_charset(std::string_view bytes)
{
	if (is_ascii(bytes))
		return has_iso2022_escape(bytes) ? "ISO-2022-JP" : "UTF-8";
	if (is_valid_utf8(bytes))
		return "UTF-8";
	if (looks_japanese(fit_euc_jp(bytes)))
		return "EUC-JP";
	if (looks_japanese(fit_shift_jis(bytes)))
		return "CP932";
	return "WINDOWS-1252";
}

std::string to_utf8(std::string_view bytes, std::string_view declared)
{
	std::string label = lower(declared);
	bool declared_useful = !label.empty() && label != "us-ascii" && label != "ascii" &&
	                       label != "unknown-8bit" && label != "x-unknown" &&
	                       label != "default";
	if (is_ascii(bytes)) {
		if (!has_iso2022_escape(bytes))
			return std::string(bytes);
		label = "iso-2022-jp"; // 7-bit escapes say ISO-2022-JP whatever the label
	} else if (!declared_useful) {
		label = guess_charset(bytes);
	}
	if (label == "utf-8" || label == "UTF-8" || label == "utf8") {
		if (is_valid_utf8(bytes))
			return std::string(bytes);
		return repair_utf8(bytes);
	}
	iconv_t cd = converters.get(iconv_name(label));
	if (cd == converter_cache::invalid()) // unknown label: trust the bytes instead
		cd = converters.get(iconv_name(guess_charset(bytes)));
	if (cd == converter_cache::invalid())
		return repair_utf8(bytes);
	return convert(cd, bytes);
}

} // namespace ai::detail
