#include "1dtn/domain.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <idn2.h>
#include <libpsl.h>

namespace dtn {
namespace {

constexpr std::size_t max_label = 63;
constexpr std::size_t max_name = 253;

bool is_ascii(std::string_view text)
{
	return std::all_of(text.begin(), text.end(),
	                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// One label of an A-label name: letters, digits and inner hyphens; an
// "xn--" label must decode as punycode.
tl::expected<void, std::string> check_label(std::string_view label, std::string_view name)
{
	if (label.empty())
		return tl::unexpected("'" + std::string(name) + "' has an empty label");
	if (label.size() > max_label)
		return tl::unexpected("'" + std::string(name) + "' has a label over 63 octets");
	if (!std::all_of(label.begin(), label.end(), is_ldh))
		return tl::unexpected("'" + std::string(name) +
		                      "' has a character other than letters, digits and '-'");
	if (label.front() == '-' || label.back() == '-')
		return tl::unexpected("'" + std::string(name) +
		                      "' has a label starting or ending with '-'");
	if (label.starts_with("xn--")) {
		std::string copy(label);
		char *unicode = nullptr;
		int rc = idn2_to_unicode_8z8z(copy.c_str(), &unicode, 0);
		idn2_free(unicode);
		if (rc != IDN2_OK)
			return tl::unexpected("'" + std::string(name) +
			                      "' has an invalid A-label '" + copy + "'");
	}
	return {};
}

tl::expected<std::string, std::string> idna_to_ascii(std::string_view domain)
{
	std::string input(domain);
	char *output = nullptr;
	int rc = idn2_to_ascii_8z(input.c_str(), &output, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK) {
		idn2_free(output);
		return tl::unexpected("'" + input + "' cannot be converted to an A-label (" +
		                      idn2_strerror(rc) + ")");
	}
	std::string result(output);
	idn2_free(output);
	return result;
}

psl_ctx_t const *public_suffix_list()
{
	// Loaded once; libpsl contexts are read-only after loading and may
	// be shared between threads.
	static psl_ctx_t const *const psl = [] {
		psl_ctx_t *latest = psl_latest(nullptr);
		return latest ? static_cast<psl_ctx_t const *>(latest) : psl_builtin();
	}();
	return psl;
}

} // namespace

tl::expected<std::string, std::string> to_a_label(std::string_view domain)
{
	if (!domain.empty() && domain.back() == '.')
		domain.remove_suffix(1);
	if (domain.empty())
		return tl::unexpected(std::string("empty domain name"));

	std::string name;
	if (is_ascii(domain)) {
		name.assign(domain);
	} else {
		auto converted = idna_to_ascii(domain);
		if (!converted)
			return converted;
		name = std::move(*converted);
	}
	std::transform(name.begin(), name.end(), name.begin(), ascii_lower);
	if (name.size() > max_name)
		return tl::unexpected("'" + name + "' is longer than 253 octets");

	std::string_view rest = name;
	while (true) {
		auto dot = rest.find('.');
		auto label = rest.substr(0, dot);
		if (auto ok = check_label(label, name); !ok)
			return tl::unexpected(ok.error());
		if (dot == std::string_view::npos)
			break;
		rest.remove_prefix(dot + 1);
	}
	return name;
}

std::string organizational_domain(std::string_view domain)
{
	if (!domain.empty() && domain.back() == '.')
		domain.remove_suffix(1);
	std::string name(domain);
	psl_ctx_t const *psl = public_suffix_list();
	if (!psl)
		return name;
	char const *registrable = psl_registrable_domain(psl, name.c_str());
	return registrable ? std::string(registrable) : name;
}

} // namespace dtn
