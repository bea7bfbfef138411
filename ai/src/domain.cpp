#include "ai/domain.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <vector>

#include <idn2.h>
#include <libpsl.h>

#include "text.hpp"

namespace ai {
namespace {

// The newest list the system has (Debian's publicsuffix package), else
// the copy built into libpsl. Loaded once; libpsl contexts are
// read-only and safe to share between threads.
psl_ctx_t const *suffix_list()
{
	static psl_ctx_t const *const list = [] {
		psl_ctx_t const *latest = psl_latest(nullptr);
		return latest != nullptr ? latest : psl_builtin();
	}();
	return list;
}

// Drops "scheme://" (or "mailto:"); a name with a port ("host:8080")
// has no slashes after its colon and is left alone.
std::string_view strip_scheme(std::string_view url)
{
	auto colon = url.find(':');
	if (colon == std::string_view::npos || colon == 0 || colon > 12)
		return url;
	auto scheme = url.substr(0, colon);
	auto rest = url.substr(colon + 1);
	bool slashes = rest.starts_with("//") || rest.starts_with("\\\\") ||
	               rest.starts_with("/\\") || rest.starts_with("\\/");
	if (!slashes && text::lower_ascii(scheme) != "mailto")
		return url;
	while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\'))
		rest.remove_prefix(1);
	return rest;
}

std::string_view authority(std::string_view url)
{
	url = strip_scheme(text::trim(url));
	auto end = url.find_first_of("/?#\\ \t\r\n\"'<>");
	return url.substr(0, end);
}

bool all_of_set(std::string_view s, std::string_view set)
{
	return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

bool is_dotted_numbers(std::string_view host)
{
	if (!all_of_set(host, "0123456789.xabcdef"))
		return false;
	// Each part must be a number in decimal, hex (0x..) or octal.
	std::size_t parts = 0;
	for (std::size_t start = 0; start <= host.size();) {
		auto dot = host.find('.', start);
		auto part = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
		if (part.empty())
			return false;
		bool hex = part.size() > 2 && part[0] == '0' && part[1] == 'x' &&
		           all_of_set(part.substr(2), "0123456789abcdef");
		if (!hex && !all_of_set(part, "0123456789"))
			return false;
		++parts;
		if (dot == std::string_view::npos)
			break;
		start = dot + 1;
	}
	return parts >= 1 && parts <= 4;
}

} // namespace

std::string url_host(std::string_view url)
{
	auto auth = authority(url);
	if (auto at = auth.rfind('@'); at != std::string_view::npos)
		auth.remove_prefix(at + 1);
	if (!auth.empty() && auth.front() == '[') {
		auto close = auth.find(']');
		return text::lower_ascii(
		        auth.substr(0, close == std::string_view::npos ? close : close + 1));
	}
	auth = auth.substr(0, auth.find(':'));
	while (!auth.empty() && auth.back() == '.')
		auth.remove_suffix(1);
	return text::lower_ascii(auth);
}

bool url_has_userinfo(std::string_view url)
{
	return authority(url).find('@') != std::string_view::npos;
}

std::string address_domain(std::string_view address)
{
	auto at = address.rfind('@');
	if (at == std::string_view::npos)
		return {};
	auto domain = text::trim(address.substr(at + 1));
	while (!domain.empty() && (domain.back() == '>' || domain.back() == '.'))
		domain.remove_suffix(1);
	return text::lower_ascii(domain);
}

bool is_ip_literal(std::string_view host)
{
	if (host.size() > 2 && host.front() == '[')
		return true;
	return is_dotted_numbers(host);
}

std::string org_domain(std::string_view host)
{
	if (host.empty() || is_ip_literal(host))
		return {};
	std::string name(host);
	char const *registrable = psl_registrable_domain(suffix_list(), name.c_str());
	return registrable != nullptr ? std::string(registrable) : name;
}

bool has_known_suffix(std::string_view host)
{
	auto dot = host.rfind('.');
	if (dot == std::string_view::npos || dot + 1 >= host.size())
		return false;
	std::string tld(host.substr(dot + 1));
	return psl_is_public_suffix2(suffix_list(), tld.c_str(),
	                             PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

bool has_punycode_label(std::string_view host)
{
	for (std::size_t start = 0; start < host.size();) {
		if (host.substr(start, 4) == "xn--")
			return true;
		auto dot = host.find('.', start);
		if (dot == std::string_view::npos)
			break;
		start = dot + 1;
	}
	return false;
}

std::string host_to_unicode(std::string_view host)
{
	if (!has_punycode_label(host))
		return std::string(host);
	std::string out;
	for (std::size_t start = 0; start <= host.size();) {
		auto dot = host.find('.', start);
		std::string label(
		        host.substr(start, dot == std::string_view::npos ? dot : dot - start));
		char *decoded = nullptr;
		if (label.starts_with("xn--") &&
		    idn2_to_unicode_8z8z(label.c_str(), &decoded, 0) == IDN2_OK && decoded) {
			out += decoded;
		} else {
			out += label;
		}
		std::free(decoded);
		if (dot == std::string_view::npos)
			break;
		out += '.';
		start = dot + 1;
	}
	return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b)
{
	std::size_t const width = b.size() + 1;
	std::vector<std::size_t> d((a.size() + 1) * width);
	auto at = [&](std::size_t i, std::size_t j) -> std::size_t & { return d[i * width + j]; };
	for (std::size_t i = 0; i <= a.size(); ++i)
		at(i, 0) = i;
	for (std::size_t j = 0; j <= b.size(); ++j)
		at(0, j) = j;
	for (std::size_t i = 1; i <= a.size(); ++i) {
		for (std::size_t j = 1; j <= b.size(); ++j) {
			std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			at(i, j) = std::min(
			        {at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
		}
	}
	return at(a.size(), b.size());
}

} // namespace ai
