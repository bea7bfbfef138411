// Verifying the DKIM signatures of one message (RFC 6376 section 6,
// RFC 8301, RFC 8463): select and canonicalize, fetch the key through
// the dns_source, check the body hash, then the signature.
#include "1dtn/dkim.hpp"
#include "dkim_rsa_key.hpp"

#include <map>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

namespace dtn {
namespace {

char lower_char(char c)
{
	return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (std::size_t i = 0; i < a.size(); ++i)
		if (lower_char(a[i]) != lower_char(b[i]))
			return false;
	return true;
}

bool is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

bool plain_token(std::string_view s)
{
	for (char c : s)
		if (!is_name_char(c) && c != '.' && c != '-' && c != '@' && c != '+')
			return false;
	return !s.empty();
}

// The signature header field with the value of its b= tag removed
// (RFC 6376 section 3.7): everything between "b=" and the next ";".
std::string without_b_value(std::string_view raw)
{
	std::string out;
	out.reserve(raw.size());
	auto colon = raw.find(':');
	out.append(raw.substr(0, colon + 1));
	raw.remove_prefix(colon + 1);
	for (;;) {
		auto semi = raw.find(';');
		auto spec = raw.substr(0, semi);
		std::size_t i = 0;
		while (i < spec.size() && is_fws(spec[i]))
			++i;
		std::size_t name_start = i;
		while (i < spec.size() && is_name_char(spec[i]))
			++i;
		auto name = spec.substr(name_start, i - name_start);
		while (i < spec.size() && is_fws(spec[i]))
			++i;
		if (name == "b" && i < spec.size() && spec[i] == '=')
			out.append(spec.substr(0, i + 1));
		else
			out.append(spec);
		if (semi == std::string_view::npos)
			return out;
		out.push_back(';');
		raw.remove_prefix(semi + 1);
	}
}

EVP_MD const *digest_of(dkim_algorithm algorithm)
{
	return algorithm == dkim_algorithm::rsa_sha1 ? EVP_sha1() : EVP_sha256();
}

std::string_view hash_name(dkim_algorithm algorithm)
{
	return algorithm == dkim_algorithm::rsa_sha1 ? "sha1" : "sha256";
}

std::vector<unsigned char> digest(EVP_MD const *md, std::string_view data)
{
	std::vector<unsigned char> out(EVP_MAX_MD_SIZE);
	unsigned int size = 0;
	if (EVP_Digest(data.data(), data.size(), out.data(), &size, md, nullptr) != 1)
		size = 0;
	out.resize(size);
	return out;
}

struct md_ctx_free {
	void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};

bool sodium_ready()
{
	static bool const ready = sodium_init() >= 0;
	return ready;
}

// A result under construction, ended by the first outcome set.
struct outcome {
	dkim_result result;
	std::string reason;
};

class verifier {
      public:
	verifier(std::string_view message, dns_source &dns, std::time_t now,
	         dkim_limits const &limits)
	    : message_(dkim_split_message(message)), dns_(dns), now_(now), limits_(limits)
	{}

	std::vector<dkim_signature_result> run()
	{
		std::vector<dkim_signature_result> results;
		for (std::size_t i = 0; i < message_.headers.size(); ++i) {
			if (!iequals(message_.headers[i].name, "DKIM-Signature"))
				continue;
			if (results.size() >= limits_.max_signatures) {
				results.push_back(skipped(i));
				continue;
			}
			results.push_back(check(i));
		}
		return results;
	}

      private:
	dkim_signature_result skipped(std::size_t index)
	{
		dkim_signature_result r = describe(index);
		r.result = dkim_result::neutral;
		r.reason = "not checked: more than " + std::to_string(limits_.max_signatures) +
		           " signatures";
		return r;
	}

	// What can be read of a signature even when it does not parse.
	dkim_signature_result describe(std::size_t index) const
	{
		dkim_signature_result r;
		auto const &raw = message_.headers[index].raw;
		auto tags = dkim_parse_tag_list(std::string_view(raw).substr(raw.find(':') + 1));
		if (!tags)
			return r;
		for (auto const &tag : *tags) {
			std::string value;
			for (char c : tag.value)
				if (!is_fws(c))
					value.push_back(c);
			if (tag.name == "d" && plain_token(value))
				r.domain = value;
			else if (tag.name == "s" && plain_token(value))
				r.selector = value;
			else if (tag.name == "i" && plain_token(value))
				r.identity = value;
			else if (tag.name == "a" && plain_token(value))
				r.algorithm = value;
			else if (tag.name == "b")
				r.b_prefix = value.substr(0, 8);
		}
		return r;
	}

	dkim_signature_result check(std::size_t index)
	{
		dkim_signature_result r = describe(index);
		auto const &raw = message_.headers[index].raw;
		auto sig = dkim_parse_signature(std::string_view(raw).substr(raw.find(':') + 1));
		if (!sig) {
			r.result = dkim_result::permerror;
			r.reason = "malformed signature: " + sig.error();
			return r;
		}
		r.domain = sig->domain;
		r.selector = sig->selector;
		r.identity = sig->identity;
		r.algorithm = std::string(to_string(sig->algorithm));
		auto o = evaluate(index, *sig, r);
		r.result = o.result;
		r.reason = std::move(o.reason);
		return r;
	}

	outcome evaluate(std::size_t index, dkim_signature const &sig, dkim_signature_result &r)
	{
		if (sig.signed_headers.size() > limits_.max_signed_headers)
			return {dkim_result::permerror,
			        "h= lists more than " + std::to_string(limits_.max_signed_headers) +
			                " header fields"};
		if (sig.algorithm == dkim_algorithm::rsa_sha1)
			return {dkim_result::fail, "rsa-sha1 is not secure (RFC 8301)"};
		if (sig.expiration && *sig.expiration + limits_.clock_skew < now_)
			return {dkim_result::fail,
			        "signature expired (x=" + std::to_string(*sig.expiration) + ")"};

		auto keys = fetch_keys(sig, r);
		if (!keys)
			return keys.error();
		auto body = check_body(sig);
		if (body)
			return *body;
		auto headers = header_hash_input(index, sig);
		outcome last{dkim_result::fail, "signature did not verify"};
		for (auto const &key : *keys) {
			auto o = check_with_key(sig, key, headers);
			r.testing = key.testing;
			if (o.result == dkim_result::pass)
				return o;
			last = std::move(o);
		}
		return last;
	}

	tl::expected<std::vector<dkim_key_record>, outcome> fetch_keys(dkim_signature const &sig,
	                                                               dkim_signature_result &r)
	{
		auto name = sig.selector + "._domainkey." + sig.domain;
		auto cached = answers_.find(name);
		if (cached == answers_.end())
			cached = answers_.emplace(name, dns_.query(name, rr_type::txt)).first;
		auto const &answer = cached->second;
		r.key_dnssec = answer.dnssec;
		switch (answer.status) {
		case dns_status::ok:
			break;
		case dns_status::nxdomain:
		case dns_status::nodata:
			return tl::unexpected(
			        outcome{dkim_result::permerror,
			                "no key at " + name + " (" +
			                        std::string(to_string(answer.status)) + ")"});
		case dns_status::bogus:
			r.key_dnssec = dnssec_state::bogus;
			return tl::unexpected(
			        outcome{dkim_result::temperror,
			                "key answer for " + name +
			                        " is DNSSEC-bogus: " + answer.why_bogus});
		case dns_status::timeout:
		case dns_status::servfail:
			return tl::unexpected(
			        outcome{dkim_result::temperror,
			                "key lookup for " + name + " failed (" +
			                        std::string(to_string(answer.status)) + ")"});
		}
		std::vector<dkim_key_record> keys;
		std::string first_error;
		for (auto const &txt : answer.records) {
			auto key = dkim_parse_key(txt);
			if (key)
				keys.push_back(std::move(*key));
			else if (first_error.empty())
				first_error = key.error();
		}
		if (keys.empty())
			return tl::unexpected(
			        outcome{dkim_result::permerror,
			                "no usable key at " + name +
			                        (first_error.empty() ? std::string()
			                                             : ": " + first_error)});
		return keys;
	}

	std::string const &canonical_body(dkim_canon canon)
	{
		auto &slot = canon == dkim_canon::simple ? simple_body_ : relaxed_body_;
		if (!slot)
			slot = dkim_canon_body(message_.body, canon);
		return *slot;
	}

	std::optional<outcome> check_body(dkim_signature const &sig)
	{
		std::string_view body = canonical_body(sig.body_canon);
		if (sig.body_length) {
			if (*sig.body_length > body.size())
				return outcome{dkim_result::fail,
				               "l=" + std::to_string(*sig.body_length) +
				                       " is longer than the body"};
			body = body.substr(0, *sig.body_length);
		}
		auto hash = digest(digest_of(sig.algorithm), body);
		if (hash.size() != sig.body_hash.size() ||
		    CRYPTO_memcmp(hash.data(), sig.body_hash.data(), hash.size()) != 0)
			return outcome{dkim_result::fail, "body hash did not verify"};
		return std::nullopt;
	}

	// The header fields named by h=, each taken from the bottom up,
	// then this signature with b= emptied and no final CRLF.
	std::string header_hash_input(std::size_t index, dkim_signature const &sig) const
	{
		std::vector<bool> used(message_.headers.size(), false);
		used[index] = true;
		std::string data;
		for (auto const &name : sig.signed_headers) {
			for (std::size_t i = message_.headers.size(); i-- > 0;) {
				if (used[i] || !iequals(message_.headers[i].name, name))
					continue;
				used[i] = true;
				data += dkim_canon_header(message_.headers[i].raw,
				                          sig.header_canon);
				break;
			}
		}
		data += dkim_canon_header(without_b_value(message_.headers[index].raw),
		                          sig.header_canon);
		data.resize(data.size() - 2);
		return data;
	}

	outcome check_with_key(dkim_signature const &sig, dkim_key_record const &key,
	                       std::string const &headers) const
	{
		if (key.revoked())
			return {dkim_result::permerror, "key revoked (empty p=)"};
		bool ed = sig.algorithm == dkim_algorithm::ed25519_sha256;
		if (ed != (key.type == dkim_key_type::ed25519))
			return {dkim_result::permerror,
			        "key type does not match a=" +
			                std::string(to_string(sig.algorithm))};
		if (!key.allows_hash(hash_name(sig.algorithm)))
			return {dkim_result::permerror,
			        "key h= does not allow " + std::string(hash_name(sig.algorithm))};
		if (key.strict_identity &&
		    sig.identity.substr(sig.identity.rfind('@') + 1) != sig.domain)
			return {dkim_result::permerror, "key t=s forbids an i= subdomain"};
		return ed ? verify_ed25519(sig, key, headers) : verify_rsa(sig, key, headers);
	}

	outcome verify_rsa(dkim_signature const &sig, dkim_key_record const &key,
	                   std::string const &headers) const
	{
		auto pkey = dkim_load_rsa_key(key.public_key.data(), key.public_key.size());
		if (!pkey)
			return {dkim_result::permerror, "p= is not an RSA public key"};
		auto bits = static_cast<unsigned>(EVP_PKEY_get_bits(pkey.get()));
		if (bits < limits_.min_rsa_bits)
			return {dkim_result::fail, "RSA key of " + std::to_string(bits) +
			                                   " bits is too short (RFC 8301)"};
		if (bits > limits_.max_rsa_bits)
			return {dkim_result::permerror,
			        "RSA key of " + std::to_string(bits) + " bits is too long"};
		std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
		bool ok = ctx &&
		          EVP_DigestVerifyInit(ctx.get(), nullptr, digest_of(sig.algorithm),
		                               nullptr, pkey.get()) == 1 &&
		          EVP_DigestVerify(ctx.get(), sig.signature.data(), sig.signature.size(),
		                           reinterpret_cast<unsigned char const *>(headers.data()),
		                           headers.size()) == 1;
		ERR_clear_error();
		if (!ok)
			return {dkim_result::fail, "signature did not verify"};
		return {dkim_result::pass, "signature verified"};
	}

	outcome verify_ed25519(dkim_signature const &sig, dkim_key_record const &key,
	                       std::string const &headers) const
	{
		if (!sodium_ready())
			return {dkim_result::temperror, "libsodium failed to initialize"};
		if (key.public_key.size() != crypto_sign_PUBLICKEYBYTES)
			return {dkim_result::permerror, "ed25519 key is not 32 bytes"};
		if (sig.signature.size() != crypto_sign_BYTES)
			return {dkim_result::fail, "ed25519 signature is not 64 bytes"};
		// RFC 8463: Ed25519 signs the SHA-256 hash of the header data.
		auto hash = digest(EVP_sha256(), headers);
		if (crypto_sign_verify_detached(sig.signature.data(), hash.data(), hash.size(),
		                                key.public_key.data()) != 0)
			return {dkim_result::fail, "signature did not verify"};
		return {dkim_result::pass, "signature verified"};
	}

	dkim_message message_;
	dns_source &dns_;
	std::time_t now_;
	dkim_limits limits_;
	std::map<std::string, dns_answer> answers_;
	std::optional<std::string> simple_body_;
	std::optional<std::string> relaxed_body_;
};

} // namespace

std::string_view to_string(dkim_result result)
{
	switch (result) {
	case dkim_result::pass:
		return "pass";
	case dkim_result::fail:
		return "fail";
	case dkim_result::neutral:
		return "neutral";
	case dkim_result::temperror:
		return "temperror";
	case dkim_result::permerror:
		return "permerror";
	}
	return "permerror";
}

std::vector<dkim_signature_result> dkim_verify(std::string_view message, dns_source &dns,
                                               std::time_t now, dkim_limits const &limits)
{
	try {
		return verifier(message, dns, now, limits).run();
	} catch (std::exception const &e) {
		// Only allocation can throw here; report it rather than crash.
		dkim_signature_result r;
		r.result = dkim_result::temperror;
		r.reason = std::string("verifier failed: ") + e.what();
		return {r};
	}
}

} // namespace dtn
