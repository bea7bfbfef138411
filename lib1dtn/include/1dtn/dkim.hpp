// DKIM signature verification (RFC 6376, RFC 8301, RFC 8463) on a
// dns_source, so that every key carries the DNSSEC state of its answer.
//
// The verifier is our own code on OpenSSL (RSA, SHA) and libsodium
// (Ed25519): libopendkim would fetch keys with its own resolver and
// lose the DNSSEC state the 1DTN decision needs.
//
// Nothing here throws or keeps state between calls: every function is
// safe to call from several threads at once (dns_source permitting).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "1dtn/dns.hpp"
#include "1dtn/trust.hpp"

namespace dtn {

// ---- Tag lists (RFC 6376 section 3.2) ----

struct dkim_tag {
	std::string_view name;
	std::string_view value; // trimmed of surrounding white space; inner FWS kept
};

// Splits "a=1; b=2;" into tags. Rejects a malformed tag, a character
// outside VALCHAR/FWS and a repeated tag name. The views point into
// `text`.
tl::expected<std::vector<dkim_tag>, std::string> dkim_parse_tag_list(std::string_view text);

// ---- The DKIM-Signature header field (RFC 6376 section 3.5) ----

enum class dkim_algorithm { rsa_sha1, rsa_sha256, ed25519_sha256 };
enum class dkim_canon { simple, relaxed };

std::string_view to_string(dkim_algorithm algorithm);
std::string_view to_string(dkim_canon canon);

struct dkim_signature {
	dkim_algorithm algorithm = dkim_algorithm::rsa_sha256;
	dkim_canon header_canon = dkim_canon::simple;
	dkim_canon body_canon = dkim_canon::simple;
	std::string domain;                      // d=, lower-case
	std::string selector;                    // s=, lower-case
	std::string identity;                    // i=, default "@" + d=
	std::vector<std::string> signed_headers; // h=, lower-case, in order
	std::string signature_b64;               // b= without white space
	std::vector<unsigned char> signature;
	std::vector<unsigned char> body_hash;     // bh=
	std::optional<std::uint64_t> body_length; // l=
	std::optional<std::int64_t> timestamp;    // t=
	std::optional<std::int64_t> expiration;   // x=
};

// Parses the value of a DKIM-Signature header field (everything after
// the colon, folding included) with the checks of RFC 6376 section
// 6.1.1: required tags present, v=1, i= within d=, From signed, x= > t=.
tl::expected<dkim_signature, std::string> dkim_parse_signature(std::string_view value);

// ---- Key records (RFC 6376 section 3.6.1) ----

enum class dkim_key_type { rsa, ed25519 };

struct dkim_key_record {
	dkim_key_type type = dkim_key_type::rsa;
	std::vector<unsigned char> public_key; // p= decoded; empty: revoked
	std::vector<std::string> hashes;       // h=; empty: any
	bool testing = false;                  // t=y
	bool strict_identity = false;          // t=s: i= must be in d= exactly

	bool revoked() const { return public_key.empty(); }
	bool allows_hash(std::string_view hash) const;
};

// Parses the text of a key TXT record. A record whose s= excludes
// email, whose v= is not DKIM1 or whose k= is unknown is an error.
tl::expected<dkim_key_record, std::string> dkim_parse_key(std::string_view txt);

// ---- Canonicalization (RFC 6376 section 3.4) ----

// One header field as it appears in the message: its name, and the
// whole field ("Name: value" with folding) with CRLF line breaks and
// without the final CRLF.
struct dkim_header_field {
	std::string name; // as written, without trailing white space
	std::string raw;
};

struct dkim_message {
	std::vector<dkim_header_field> headers; // top to bottom
	std::string body;                       // CRLF line breaks
};

// Splits a message at the first empty line. Bare LF line ends are read
// as CRLF (MTAs and milters hand over either).
dkim_message dkim_split_message(std::string_view message);

// The canonical form of one header field, followed by CRLF.
std::string dkim_canon_header(std::string_view raw_field, dkim_canon canon);

// The canonical form of a body (CRLF line breaks).
std::string dkim_canon_body(std::string_view body, dkim_canon canon);

// ---- Verification ----

// RFC 8601 result names for the dkim method.
enum class dkim_result { pass, fail, neutral, temperror, permerror };

std::string_view to_string(dkim_result result);

struct dkim_limits {
	std::size_t max_signatures = 10;      // more are reported as neutral, not checked
	std::size_t max_signed_headers = 128; // longer h= lists are a permerror
	unsigned min_rsa_bits = 1024;         // RFC 8301: smaller keys never pass
	unsigned max_rsa_bits = 8192;         // bounds the work one key can cost
	std::int64_t clock_skew = 300;        // seconds allowed past x=
};

struct dkim_signature_result {
	dkim_result result = dkim_result::permerror;
	std::string reason;    // one line, for logs and Authentication-Results
	std::string domain;    // d= (as far as it could be read)
	std::string selector;  // s=
	std::string identity;  // i=
	std::string algorithm; // a= as written
	std::string b_prefix;  // first 8 characters of b=, for header.b
	dnssec_state key_dnssec = dnssec_state::indeterminate;
	bool testing = false; // key has t=y: must count as unsigned
};

// Verifies every DKIM-Signature of `message` (headers, empty line,
// body), top to bottom, at time `now`. One result per signature; an
// unsigned message gives an empty vector. Never throws.
std::vector<dkim_signature_result> dkim_verify(std::string_view message, dns_source &dns,
                                               std::time_t now, dkim_limits const &limits = {});

// ---- Alignment and reporting ----

// The organizational domain of `domain` (public suffix list, libpsl):
// lower-case, without trailing dot. A public suffix is its own.
std::string dkim_organizational_domain(std::string_view domain);

// Relaxed alignment (RFC 7489 section 3.1.1): same organizational domain.
bool dkim_aligned(std::string_view signing_domain, std::string_view domain);

// The DKIM outcome for the 1DTN decision about sender domain S: a
// passing signature (not in testing mode) whose d= aligns with S, or a
// temporary failure of a signature that could have given one.
dkim_check to_dkim_check(std::vector<dkim_signature_result> const &results,
                         std::string_view sender_domain);

// "dkim=pass (reason) header.d=example.com header.s=sel header.b=abcdefgh",
// one RFC 8601 resinfo for each result.
std::string dkim_authres(dkim_signature_result const &result);

} // namespace dtn
