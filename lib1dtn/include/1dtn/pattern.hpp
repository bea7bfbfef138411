// Domain patterns of a 1DTN trust list (spec section "Grammar").
//
// A pattern is a domain, matching exactly that domain, or "*." followed
// by a domain, matching every proper subdomain of it. Both sides are
// expected as A-labels; comparison ignores ASCII case and one trailing
// dot.
#pragma once

#include <string_view>

namespace dtn {

// True when `domain` is matched by `pattern`.
bool pattern_matches(std::string_view pattern, std::string_view domain);

} // namespace dtn
