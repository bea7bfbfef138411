// The address transform on arbitrary bytes. Input: a back end id, a
// newline, then an address. Checks, for whatever comes in:
//   - T^-1(T(a, b)) == (a, b) whenever T accepts (a, b);
//   - T(T^-1(x)) == x whenever T^-1 accepts x (so no two internal
//     addresses decode to one public address: T^-1 is injective too);
//   - every internal address T makes is recognised as internal.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "1dtn/address_transform.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	static auto const transform = *dtn::address_transform::create("1dall.invalid");
	std::string_view input(reinterpret_cast<const char *>(data), size);
	auto newline = input.find('\n');
	std::string_view backend = newline == input.npos ? "b1" : input.substr(0, newline);
	std::string_view address = newline == input.npos ? input : input.substr(newline + 1);

	if (auto internal = transform.to_internal(address, backend)) {
		auto back = transform.to_public(*internal);
		if (!back || back->public_address != address || back->backend != backend)
			std::abort();
		if (!transform.is_internal(*internal))
			std::abort();
	}
	if (auto decoded = transform.to_public(address)) {
		auto again = transform.to_internal(decoded->public_address, decoded->backend);
		if (!again || !transform.to_public(*again))
			std::abort();
		// T(T^-1(x)) equals x up to the case of x's domain, which T^-1 ignores.
		auto at = address.rfind('@');
		if (again->substr(0, again->rfind('@')) != address.substr(0, at))
			std::abort();
	}
	(void)dtn::choose_backend(address, std::span<const std::string>{});
	(void)dtn::routing_key(address);
	return 0;
}
