// Feeds arbitrary bytes to the DKIM tag-list, DKIM-Signature and key
// record parsers, and checks what a verifier relies on in what they
// accept: views inside the input, validated domains, sane sizes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "1dtn/dkim.hpp"

namespace {

bool inside(std::string_view part, std::string_view whole)
{
	return part.empty() || (part.data() >= whole.data() &&
	                        part.data() + part.size() <= whole.data() + whole.size());
}

void check_tags(std::string_view input)
{
	auto tags = dtn::dkim_parse_tag_list(input);
	if (!tags) {
		if (tags.error().empty())
			std::abort();
		return;
	}
	if (tags->empty())
		std::abort();
	for (auto const &tag : *tags)
		if (tag.name.empty() || !inside(tag.name, input) || !inside(tag.value, input))
			std::abort();
}

void check_signature(std::string_view input)
{
	auto sig = dtn::dkim_parse_signature(input);
	if (!sig) {
		if (sig.error().empty())
			std::abort();
		return;
	}
	// d= has at least two labels, i= ends in d=, From is signed.
	if (sig->domain.find('.') == std::string::npos || sig->selector.empty())
		std::abort();
	auto at = sig->identity.rfind('@');
	if (at == std::string::npos || sig->identity.size() - at - 1 < sig->domain.size())
		std::abort();
	bool from = false;
	for (auto const &name : sig->signed_headers)
		from = from || name == "from";
	if (!from || sig->signature.empty())
		std::abort();
	std::size_t hash = sig->algorithm == dtn::dkim_algorithm::rsa_sha1 ? 20 : 32;
	if (sig->body_hash.size() != hash)
		std::abort();
	if (sig->timestamp && sig->expiration && *sig->expiration <= *sig->timestamp)
		std::abort();
}

void check_key(std::string_view input)
{
	auto key = dtn::dkim_parse_key(input);
	if (!key && key.error().empty())
		std::abort();
	if (key && key->public_key.size() > input.size())
		std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	check_tags(input);
	check_signature(input);
	check_key(input);
	return 0;
}
