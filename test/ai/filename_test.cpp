#include <doctest/doctest.h>

#include <algorithm>

#include "ai/filename.hpp"

using namespace ai;

namespace {
bool has(std::vector<filename_trick> const &v, filename_trick t)
{
	return std::find(v.begin(), v.end(), t) != v.end();
}
} // namespace

TEST_CASE("a document extension followed by a program is a double extension")
{
	CHECK(has(find_filename_tricks("Invoice.PDF.exe"), filename_trick::double_extension));
	CHECK(has(find_filename_tricks("請求書.xlsx.js"), filename_trick::double_extension));
	CHECK_FALSE(has(find_filename_tricks("report.v2.pdf"), filename_trick::double_extension));
	CHECK(find_filename_tricks("setup.exe").empty());
}

TEST_CASE("right-to-left override and zero-width characters are found")
{
	// "invoice" U+202E "fdp.exe" shows as "invoiceexe.pdf".
	CHECK(has(find_filename_tricks("invoice\xE2\x80\xAE"
	                               "fdp.exe"),
	          filename_trick::invisible_character));
	CHECK(has(find_filename_tricks("a\xE2\x80\x8B"
	                               "b.txt"),
	          filename_trick::invisible_character));
	CHECK(find_filename_tricks("見積書.pdf").empty());
}

TEST_CASE("padding that pushes the extension out of view is found")
{
	CHECK(has(find_filename_tricks("scan.pdf                    .exe"),
	          filename_trick::padding));
}

TEST_CASE("extensions are lower-cased and classified")
{
	CHECK(filename_extension("A.B.EXE") == "exe");
	CHECK(filename_extension("noext").empty());
	CHECK(is_executable_extension("hta"));
	CHECK_FALSE(is_executable_extension("pdf"));
}
