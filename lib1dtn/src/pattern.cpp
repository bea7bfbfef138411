#include "1dtn/pattern.hpp"

#include <algorithm>
#include <cctype>

namespace dtn {
namespace {

std::string_view without_trailing_dot(std::string_view name)
{
	if (!name.empty() && name.back() == '.')
		name.remove_suffix(1);
	return name;
}

bool ascii_iequal(std::string_view a, std::string_view b)
{
	auto lower = [](unsigned char c) { return std::tolower(c); };
	return a.size() == b.size() &&
	       std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
		       return lower(static_cast<unsigned char>(x)) ==
		              lower(static_cast<unsigned char>(y));
	       });
}

} // namespace

bool pattern_matches(std::string_view pattern, std::string_view domain)
{
	pattern = without_trailing_dot(pattern);
	domain = without_trailing_dot(domain);
	if (pattern.empty() || domain.empty())
		return false;

	if (!pattern.starts_with("*."))
		return ascii_iequal(pattern, domain);

	// "*.d" needs at least one label in front of ".d": d itself does not
	// match, and neither does a name that merely ends in the same text
	// ("xd" against "*.d").
	std::string_view parent = pattern.substr(1); // ".d"
	if (domain.size() <= parent.size())
		return false;
	return ascii_iequal(domain.substr(domain.size() - parent.size()), parent);
}

} // namespace dtn
