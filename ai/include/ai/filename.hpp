// Attachment file name tricks: names built to make an executable look
// like a document to the person about to open it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ai {

enum class filename_trick {
	double_extension,    // "invoice.pdf.exe": a document extension, then a risky one
	invisible_character, // RIGHT-TO-LEFT OVERRIDE, zero-width and similar code points
	padding,             // a long run of spaces or dots hiding the real extension
};

// The tricks found in a UTF-8 file name, each at most once.
std::vector<filename_trick> find_filename_tricks(std::string_view utf8_name);

// The last extension, lower-cased ASCII, without the dot ("" if none).
std::string filename_extension(std::string_view utf8_name);

// True for extensions of programs and scripts Windows or macOS will run
// on a double click.
bool is_executable_extension(std::string_view lower_extension);

} // namespace ai
