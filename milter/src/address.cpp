#include "address.hpp"

#include <algorithm>
#include <cctype>

namespace milter {

std::string to_lower(std::string_view text)
{
	std::string out(text);
	std::transform(out.begin(), out.end(), out.begin(),
	               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return out;
}

mailbox parse_mailbox(std::string_view address)
{
	auto open = address.find('<');
	if (open != std::string_view::npos) {
		address.remove_prefix(open + 1);
		auto close = address.find('>');
		address = address.substr(0, close);
	}
	while (!address.empty() && (address.front() == ' ' || address.front() == '\t'))
		address.remove_prefix(1);
	while (!address.empty() && (address.back() == ' ' || address.back() == '\t'))
		address.remove_suffix(1);
	if (address.starts_with('@')) { // source route @a,@b:user@domain
		auto colon = address.find(':');
		address = colon == std::string_view::npos ? std::string_view{}
		                                          : address.substr(colon + 1);
	}
	mailbox box;
	auto at = address.rfind('@');
	if (at == std::string_view::npos) {
		box.local = std::string(address);
		return box;
	}
	box.local = std::string(address.substr(0, at));
	std::string_view domain = address.substr(at + 1);
	while (domain.ends_with('.'))
		domain.remove_suffix(1);
	box.domain = to_lower(domain);
	return box;
}

bool plausible_domain(std::string_view domain)
{
	if (domain.empty() || domain.size() > 253)
		return false;
	std::size_t label = 0;
	for (char c : domain) {
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
		if (!ok || ++label > 63)
			return false;
	}
	return label > 0;
}

std::string printable(std::string_view text, std::size_t limit)
{
	std::string out;
	for (char c : text) {
		if (out.size() >= limit)
			break;
		auto u = static_cast<unsigned char>(c);
		if (c == '%')
			out += "pct";
		else if (u >= 0x20 && u < 0x7f)
			out += c;
		else if (c == '\t' || c == '\r' || c == '\n')
			out += ' ';
		else
			out += '?';
	}
	return out;
}

} // namespace milter
