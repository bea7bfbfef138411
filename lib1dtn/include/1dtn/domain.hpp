// Domain names as 1DTN compares them: A-labels, lower-case, no trailing
// dot; and the organizational domain of the public suffix list.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dtn {

// The A-label form of `domain` (U-labels converted by IDNA2008 through
// libidn2), lower-case and without a trailing dot. Fails with a reason
// when the name is not a valid host name (empty or overlong labels,
// characters outside letters, digits and '-', or a label that libidn2
// cannot convert).
tl::expected<std::string, std::string> to_a_label(std::string_view domain);

// The organizational domain of an A-label domain: its registrable
// domain under the public suffix list (libpsl), or the domain itself
// when it is a public suffix or has no registrable part.
std::string organizational_domain(std::string_view domain);

} // namespace dtn
