// What the DKIM tests share: an in-memory dns_source and a small DKIM
// signer on OpenSSL, so that tests can make signatures (and broken
// ones) at test time. The signer builds the header hash input itself
// (selection from the bottom, the signature with b= empty) and uses the
// library's canonicalization functions, which dkim_canon_test checks
// on their own and the OpenDKIM test checks against another signer.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "1dtn/dkim.hpp"
#include "1dtn/dns.hpp"

namespace dkim_test {

class memory_dns : public dtn::dns_source {
      public:
	void txt(std::string const &name, std::vector<std::string> records,
	         dtn::dnssec_state dnssec = dtn::dnssec_state::secure)
	{
		dtn::dns_answer a;
		a.status = dtn::dns_status::ok;
		a.dnssec = dnssec;
		a.records = std::move(records);
		a.ttl = 300;
		answers_[name] = a;
	}

	void fail(std::string const &name, dtn::dns_status status, std::string why = {})
	{
		dtn::dns_answer a;
		a.status = status;
		a.dnssec = status == dtn::dns_status::bogus ? dtn::dnssec_state::bogus
		                                            : dtn::dnssec_state::indeterminate;
		if (status == dtn::dns_status::nxdomain)
			a.dnssec = dtn::dnssec_state::secure;
		a.why_bogus = std::move(why);
		answers_[name] = a;
	}

	dtn::dns_answer query(std::string_view name, dtn::rr_type type) override
	{
		++queries;
		auto it = answers_.find(std::string(name));
		if (type != dtn::rr_type::txt || it == answers_.end()) {
			dtn::dns_answer a;
			a.status = dtn::dns_status::nxdomain;
			a.dnssec = dtn::dnssec_state::insecure;
			return a;
		}
		return it->second;
	}

	int queries = 0;

      private:
	std::map<std::string, dtn::dns_answer> answers_;
};

struct pkey_free {
	void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

inline std::string base64(unsigned char const *data, std::size_t size)
{
	std::string out(4 * ((size + 2) / 3) + 1, '\0');
	int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()), data,
	                        static_cast<int>(size));
	out.resize(static_cast<std::size_t>(n));
	return out;
}

inline pkey_ptr rsa_key(unsigned bits)
{
	return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
}

inline pkey_ptr ed25519_key()
{
	return pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

// The p= value: SubjectPublicKeyInfo for RSA, the raw 32 bytes for Ed25519.
inline std::string public_key_b64(EVP_PKEY *key)
{
	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
		unsigned char raw[32];
		size_t size = sizeof raw;
		EVP_PKEY_get_raw_public_key(key, raw, &size);
		return base64(raw, size);
	}
	unsigned char *der = nullptr;
	int size = i2d_PUBKEY(key, &der);
	std::string out = base64(der, static_cast<std::size_t>(size));
	OPENSSL_free(der);
	return out;
}

inline std::string key_record(EVP_PKEY *key, std::string const &extra = "")
{
	bool ed = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
	return std::string("v=DKIM1; k=") + (ed ? "ed25519" : "rsa") + "; " + extra +
	       "p=" + public_key_b64(key);
}

struct sign_options {
	std::string domain = "example.org";
	std::string selector = "sel";
	std::string algorithm = "rsa-sha256";
	dtn::dkim_canon header_canon = dtn::dkim_canon::relaxed;
	dtn::dkim_canon body_canon = dtn::dkim_canon::relaxed;
	std::string headers = "from:to:subject:date";
	std::string identity;                     // i= when not empty
	std::optional<std::uint64_t> body_length; // l=
	std::optional<long long> timestamp;       // t=
	std::optional<long long> expiration;      // x=
};

inline std::vector<unsigned char> sha(std::string_view data, bool sha1 = false)
{
	std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
	unsigned size = 0;
	EVP_Digest(data.data(), data.size(), out.data(), &size, sha1 ? EVP_sha1() : EVP_sha256(),
	           nullptr);
	out.resize(size);
	return out;
}

inline std::vector<unsigned char> raw_sign(EVP_PKEY *key, std::string const &algorithm,
                                           std::string const &data)
{
	bool ed = algorithm == "ed25519-sha256";
	std::string input = data;
	if (ed) { // RFC 8463: Ed25519 over the SHA-256 of the header data
		auto h = sha(data);
		input.assign(h.begin(), h.end());
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_MD const *md = ed ? nullptr : (algorithm == "rsa-sha1" ? EVP_sha1() : EVP_sha256());
	EVP_DigestSignInit(ctx, nullptr, md, nullptr, key);
	size_t size = 0;
	auto const *in = reinterpret_cast<unsigned char const *>(input.data());
	EVP_DigestSign(ctx, nullptr, &size, in, input.size());
	std::vector<unsigned char> sig(size);
	EVP_DigestSign(ctx, sig.data(), &size, in, input.size());
	sig.resize(size);
	EVP_MD_CTX_free(ctx);
	return sig;
}

inline std::string lower(std::string s)
{
	for (auto &c : s)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return s;
}

// Returns `message` (CRLF line ends) with a DKIM-Signature on top.
inline std::string sign(std::string const &message, EVP_PKEY *key, sign_options const &o)
{
	auto parts = dtn::dkim_split_message(message);
	std::string body = dtn::dkim_canon_body(parts.body, o.body_canon);
	if (o.body_length)
		body.resize(static_cast<std::size_t>(*o.body_length));
	auto bh = sha(body, o.algorithm == "rsa-sha1");

	std::string value = "v=1; a=" + o.algorithm +
	                    "; c=" + std::string(dtn::to_string(o.header_canon)) + "/" +
	                    std::string(dtn::to_string(o.body_canon)) + "; d=" + o.domain +
	                    "; s=" + o.selector + ";\r\n\t";
	if (!o.identity.empty())
		value += "i=" + o.identity + "; ";
	if (o.body_length)
		value += "l=" + std::to_string(*o.body_length) + "; ";
	if (o.timestamp)
		value += "t=" + std::to_string(*o.timestamp) + "; ";
	if (o.expiration)
		value += "x=" + std::to_string(*o.expiration) + "; ";
	value += "h=" + o.headers + ";\r\n\tbh=" + base64(bh.data(), bh.size()) + ";\r\n\tb=";

	std::string data;
	std::vector<bool> used(parts.headers.size());
	std::string names = o.headers + ":";
	for (std::size_t at = 0; (at = names.find(':')) != std::string::npos;) {
		std::string name = lower(names.substr(0, at));
		names.erase(0, at + 1);
		for (std::size_t i = parts.headers.size(); i-- > 0;) {
			if (used[i] || lower(parts.headers[i].name) != name)
				continue;
			used[i] = true;
			data += dtn::dkim_canon_header(parts.headers[i].raw, o.header_canon);
			break;
		}
	}
	data += dtn::dkim_canon_header("DKIM-Signature: " + value, o.header_canon);
	data.resize(data.size() - 2);
	auto sig = raw_sign(key, o.algorithm, data);
	return "DKIM-Signature: " + value + base64(sig.data(), sig.size()) + "\r\n" + message;
}

inline std::string const sample_message = "From: Alice <alice@example.org>\r\n"
                                          "To: bob@example.net\r\n"
                                          "Subject: quarterly  report\r\n"
                                          "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
                                          "\r\n"
                                          "Hello Bob,  \r\n"
                                          "\r\n"
                                          "the numbers are attached.\r\n"
                                          "\r\n"
                                          "\r\n";

} // namespace dkim_test
