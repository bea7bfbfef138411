// Feeds arbitrary DER to the RSA key loader of the DKIM verifier (its
// own SubjectPublicKeyInfo/RSAPublicKey reader, then OpenSSL's): a key
// that loads must be RSA with a sane size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "../../../lib1dtn/src/dkim_rsa_key.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	auto key = dtn::dkim_load_rsa_key(data, size);
	if (key) {
		if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
			std::abort();
		int bits = EVP_PKEY_get_bits(key.get());
		if (bits <= 0 || static_cast<std::size_t>(bits) > 8 * size)
			std::abort();
	}
	return 0;
}
