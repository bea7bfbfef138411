// RSA public keys from DER. OpenSSL 3's generic decoders (d2i_PUBKEY)
// search every provider's decoder chain on each call, which costs about
// six RSA-2048 verifications; the two structures DKIM uses are read
// here directly and handed to EVP_PKEY_fromdata. Anything else goes
// to the generic decoder.
#include "dkim_rsa_key.hpp"

#include <algorithm>
#include <array>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace dtn {
namespace {

// A strict reader of DER tag-length-value items (definite lengths of
// at most four octets).
struct der_span {
	unsigned char const *data;
	std::size_t size;

	bool empty() const { return size == 0; }

	bool next(unsigned char tag, der_span &content)
	{
		if (size < 2 || data[0] != tag)
			return false;
		std::size_t length = data[1];
		std::size_t header = 2;
		if (length & 0x80) {
			std::size_t octets = length & 0x7f;
			if (octets == 0 || octets > 4 || size < 2 + octets)
				return false;
			length = 0;
			for (std::size_t i = 0; i < octets; ++i)
				length = (length << 8) | data[2 + i];
			header += octets;
		}
		if (size - header < length)
			return false;
		content = {data + header, length};
		data += header + length;
		size -= header + length;
		return true;
	}
};

constexpr unsigned char tag_integer = 0x02;
constexpr unsigned char tag_bit_string = 0x03;
constexpr unsigned char tag_null = 0x05;
constexpr unsigned char tag_oid = 0x06;
constexpr unsigned char tag_sequence = 0x30;

// 1.2.840.113549.1.1.1, rsaEncryption
constexpr std::array<unsigned char, 9> rsa_encryption = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                         0x0d, 0x01, 0x01, 0x01};

struct bn_free {
	void operator()(BIGNUM *bn) const { BN_free(bn); }
};
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

// A positive INTEGER.
bn_ptr read_positive(der_span &in)
{
	der_span value{};
	if (!in.next(tag_integer, value) || value.empty() || (value.data[0] & 0x80))
		return nullptr;
	return bn_ptr(BN_bin2bn(value.data, static_cast<int>(value.size), nullptr));
}

dkim_pkey from_modulus(BIGNUM const *n, BIGNUM const *e)
{
	OSSL_PARAM_BLD *build = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = nullptr;
	EVP_PKEY_CTX *ctx = nullptr;
	EVP_PKEY *key = nullptr;
	if (build && OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
	    OSSL_PARAM_BLD_push_BN(build, OSSL_PKEY_PARAM_RSA_E, e) == 1 &&
	    (params = OSSL_PARAM_BLD_to_param(build)) != nullptr &&
	    (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) != nullptr &&
	    EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(build);
	return dkim_pkey(key);
}

// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
dkim_pkey read_rsa_public_key(der_span in)
{
	der_span seq{};
	if (!in.next(tag_sequence, seq) || !in.empty())
		return nullptr;
	auto n = read_positive(seq);
	auto e = read_positive(seq);
	if (!n || !e || !seq.empty())
		return nullptr;
	return from_modulus(n.get(), e.get());
}

// SubjectPublicKeyInfo with the rsaEncryption algorithm (NULL or absent
// parameters) around an RSAPublicKey.
dkim_pkey read_subject_public_key_info(der_span in)
{
	der_span spki{}, algorithm{}, oid{}, bits{};
	if (!in.next(tag_sequence, spki) || !in.empty() || !spki.next(tag_sequence, algorithm) ||
	    !algorithm.next(tag_oid, oid) || oid.size != rsa_encryption.size() ||
	    !std::equal(rsa_encryption.begin(), rsa_encryption.end(), oid.data))
		return nullptr;
	der_span null{};
	if (!algorithm.empty() && (!algorithm.next(tag_null, null) || !null.empty()))
		return nullptr;
	if (!algorithm.empty() || !spki.next(tag_bit_string, bits) || !spki.empty() ||
	    bits.empty() || bits.data[0] != 0)
		return nullptr;
	return read_rsa_public_key({bits.data + 1, bits.size - 1});
}

dkim_pkey generic_decode(unsigned char const *der, std::size_t size)
{
	auto length = static_cast<long>(size);
	unsigned char const *p = der;
	dkim_pkey key(d2i_PUBKEY(nullptr, &p, length));
	if (!key) {
		p = der;
		key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, length));
	}
	ERR_clear_error();
	return key;
}

} // namespace

dkim_pkey dkim_load_rsa_key(unsigned char const *der, std::size_t size)
{
	der_span in{der, size};
	auto key = read_subject_public_key_info(in);
	if (!key)
		key = read_rsa_public_key(in);
	if (!key)
		key = generic_decode(der, size);
	ERR_clear_error();
	if (key && EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA)
		key.reset();
	return key;
}

} // namespace dtn
