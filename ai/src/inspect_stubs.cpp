#include "ai/inspect.hpp"

namespace ai
{
void inspect_pdf(std::string_view, std::vector<signal> &) {}
void inspect_html(std::string_view, std::vector<signal> &) {}
} // namespace ai
