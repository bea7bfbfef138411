// Loading the RSA public key of a DKIM key record (p=) into OpenSSL.
#pragma once

#include <cstddef>
#include <memory>

#include <openssl/evp.h>

namespace dtn {

struct dkim_pkey_free {
	void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
using dkim_pkey = std::unique_ptr<EVP_PKEY, dkim_pkey_free>;

// p= as SubjectPublicKeyInfo (what signers publish) or as the bare
// RSAPublicKey that RFC 6376 section 3.6.1 names. Null when it is
// neither, or not RSA.
dkim_pkey dkim_load_rsa_key(unsigned char const *der, std::size_t size);

} // namespace dtn
