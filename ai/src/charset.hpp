// Conversion of message text to UTF-8, with a guess for text whose
// charset is missing or wrong (undeclared 8-bit Japanese above all).
#pragma once

#include <string>
#include <string_view>

namespace ai::detail {

// True when every byte is below 0x80.
bool is_ascii(std::string_view bytes);

// True when `bytes` is well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

// The charset `bytes` most likely use when nothing (or only US-ASCII)
// was declared: "UTF-8", "ISO-2022-JP", "EUC-JP", "CP932" or
// "WINDOWS-1252".
std::string_view guess_charset(std::string_view bytes);

// `bytes` in `declared` charset (may be empty) as UTF-8. Invalid or
// unconvertible sequences become U+FFFD; it never fails.
std::string to_utf8(std::string_view bytes, std::string_view declared);

} // namespace ai::detail
