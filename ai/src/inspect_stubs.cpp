#include "ai/inspect.hpp"

namespace ai
{
std::vector<std::string> password_candidates(std::string_view, std::size_t)
{
	return {};
}
void inspect_archive(attachment &, std::string_view, inspect_context &, std::vector<attachment> &)
{
}
void inspect_ole(std::string_view, std::vector<signal> &) {}
void inspect_pdf(std::string_view, std::vector<signal> &) {}
void inspect_html(std::string_view, std::vector<signal> &) {}
} // namespace ai
