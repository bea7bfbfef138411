#include "gmime_runtime.hpp"

#include <mutex>

namespace ai::detail {

void ensure_gmime()
{
	static std::once_flag once;
	std::call_once(once, [] { g_mime_init(); });
}

} // namespace ai::detail
