// Verification of messages signed at test time (OpenSSL, see
// dkim_fixture.hpp), with keys served by an in-memory dns_source: the
// algorithms, l=, x=, key record flags, and every DNS outcome.
#include <doctest/doctest.h>

#include "dkim_fixture.hpp"

using dkim_test::key_record;
using dkim_test::memory_dns;
using dkim_test::sample_message;
using dkim_test::sign;
using dkim_test::sign_options;
using dtn::dkim_canon;
using dtn::dkim_result;

namespace {

constexpr std::time_t now = 1764756000; // 2025-12-03 10:00 UTC
std::string const key_name = "sel._domainkey.example.org";

// Keys are slow to make: one of each for the whole file.
EVP_PKEY *rsa2048()
{
	static auto key = dkim_test::rsa_key(2048);
	return key.get();
}

EVP_PKEY *ed25519()
{
	static auto key = dkim_test::ed25519_key();
	return key.get();
}

dtn::dkim_signature_result verify_one(std::string const &message, memory_dns &dns,
                                      std::time_t at = now)
{
	auto results = dtn::dkim_verify(message, dns, at);
	REQUIRE(results.size() == 1);
	return results[0];
}

} // namespace

TEST_CASE("signed at test time: each algorithm and canonicalization passes")
{
	memory_dns dns;
	struct variant {
		char const *algorithm;
		dkim_canon header;
		dkim_canon body;
	};
	for (auto v : {variant{"rsa-sha256", dkim_canon::simple, dkim_canon::simple},
	               variant{"rsa-sha256", dkim_canon::relaxed, dkim_canon::relaxed},
	               variant{"rsa-sha256", dkim_canon::relaxed, dkim_canon::simple},
	               variant{"ed25519-sha256", dkim_canon::simple, dkim_canon::simple},
	               variant{"ed25519-sha256", dkim_canon::relaxed, dkim_canon::relaxed}}) {
		CAPTURE(v.algorithm);
		CAPTURE(dtn::to_string(v.header));
		CAPTURE(dtn::to_string(v.body));
		bool ed = std::string(v.algorithm) == "ed25519-sha256";
		EVP_PKEY *key = ed ? ed25519() : rsa2048();
		dns.txt(key_name, {key_record(key)});
		sign_options o;
		o.algorithm = v.algorithm;
		o.header_canon = v.header;
		o.body_canon = v.body;
		auto signed_message = sign(sample_message, key, o);
		auto r = verify_one(signed_message, dns);
		CHECK(r.reason == "signature verified");
		CHECK(r.result == dkim_result::pass);
		CHECK(r.algorithm == v.algorithm);

		// Tampering with a signed header breaks every variant.
		auto at = signed_message.find("quarterly");
		auto tampered = signed_message;
		tampered.replace(at, 9, "QUARTERLY");
		CHECK(verify_one(tampered, dns).result == dkim_result::fail);
	}
}

TEST_CASE("trailing white space: relaxed ignores it, simple does not")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(rsa2048())});
	auto with_spaces = [](std::string m) {
		return m.replace(m.find("the numbers"), 11, "the numbers \t");
	};
	sign_options relaxed;
	CHECK(verify_one(with_spaces(sign(sample_message, rsa2048(), relaxed)), dns).result ==
	      dkim_result::pass);
	sign_options simple;
	simple.body_canon = dkim_canon::simple;
	auto r = verify_one(with_spaces(sign(sample_message, rsa2048(), simple)), dns);
	CHECK(r.result == dkim_result::fail);
	CHECK(r.reason == "body hash did not verify");
}

TEST_CASE("empty bodies verify in both canonicalizations")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(ed25519())});
	std::string headers_only = "From: a@example.org\r\nTo: b@example.net\r\n";
	for (auto canon : {dkim_canon::simple, dkim_canon::relaxed}) {
		sign_options o;
		o.algorithm = "ed25519-sha256";
		o.body_canon = canon;
		o.headers = "from:to";
		CHECK(verify_one(sign(headers_only, ed25519(), o), dns).result ==
		      dkim_result::pass);
		CHECK(verify_one(sign(headers_only + "\r\n", ed25519(), o), dns).result ==
		      dkim_result::pass);
		// Empty lines added in transit are trailing empty lines.
		CHECK(verify_one(sign(headers_only + "\r\n", ed25519(), o) + "\r\n\r\n", dns)
		              .result == dkim_result::pass);
	}
}

TEST_CASE("l= covers a prefix of the body")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(rsa2048())});
	sign_options o;
	o.body_length = 12; // "Hello Bob,\r\n" in relaxed form
	auto signed_message = sign(sample_message, rsa2048(), o);
	CHECK(verify_one(signed_message, dns).result == dkim_result::pass);
	CHECK(verify_one(signed_message + "Appended by a list.\r\n", dns).result ==
	      dkim_result::pass);

	auto cut = signed_message.substr(0, signed_message.find("Hello Bob")) + "Hello\r\n";
	auto r = verify_one(cut, dns);
	CHECK(r.result == dkim_result::fail);
	CHECK(r.reason == "l=12 is longer than the body");
}

TEST_CASE("x= expiry against the injected clock")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(rsa2048())});
	sign_options o;
	o.timestamp = now - 7200;
	o.expiration = now - 3600;
	auto signed_message = sign(sample_message, rsa2048(), o);
	auto r = verify_one(signed_message, dns);
	CHECK(r.result == dkim_result::fail);
	CHECK(r.reason == "signature expired (x=" + std::to_string(now - 3600) + ")");
	CHECK(dns.queries == 0); // refused before any lookup

	CHECK(verify_one(signed_message, dns, now - 3700).result == dkim_result::pass);
	// Within the allowed clock skew (300 s) after x=.
	CHECK(verify_one(signed_message, dns, now - 3400).result == dkim_result::pass);
}

TEST_CASE("key records: revoked, missing, testing, restricted")
{
	memory_dns dns;
	auto signed_message = sign(sample_message, rsa2048(), {});

	SUBCASE("revoked key (empty p=)")
	{
		dns.txt(key_name, {"v=DKIM1; k=rsa; p="});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "key revoked (empty p=)");
	}
	SUBCASE("missing key (nxdomain)")
	{
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "no key at sel._domainkey.example.org (nxdomain)");
	}
	SUBCASE("no TXT record (NODATA)")
	{
		dns.fail(key_name, dtn::dns_status::nodata);
		CHECK(verify_one(signed_message, dns).result == dkim_result::permerror);
	}
	SUBCASE("unparseable records only")
	{
		dns.txt(key_name, {"v=spf1 -all", "hello"});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "no usable key at sel._domainkey.example.org: not a DKIM1 key "
		                  "record (v=spf1 -all)");
	}
	SUBCASE("a junk record next to the real one")
	{
		dns.txt(key_name, {"v=spf1 -all", key_record(rsa2048())});
		CHECK(verify_one(signed_message, dns).result == dkim_result::pass);
	}
	SUBCASE("testing mode passes but never counts as authenticated")
	{
		dns.txt(key_name, {key_record(rsa2048(), "t=y; ")});
		auto results = dtn::dkim_verify(signed_message, dns, now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::pass);
		CHECK(results[0].testing);
		auto check = dtn::to_dkim_check(results, "example.org");
		CHECK_FALSE(check.aligned_pass);
		CHECK(check.reason ==
		      "no passing DKIM signature aligned with example.org: d=example.org pass "
		      "(testing)");
	}
	SUBCASE("key h= must allow the hash")
	{
		dns.txt(key_name, {key_record(rsa2048(), "h=sha1; ")});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "key h= does not allow sha256");
	}
	SUBCASE("t=s refuses an i= in a subdomain")
	{
		dns.txt(key_name, {key_record(rsa2048(), "t=s; ")});
		sign_options o;
		o.identity = "alice@mail.example.org";
		auto r = verify_one(sign(sample_message, rsa2048(), o), dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "key t=s forbids an i= subdomain");
		o.identity = "alice@example.org";
		CHECK(verify_one(sign(sample_message, rsa2048(), o), dns).result ==
		      dkim_result::pass);
	}
	SUBCASE("an Ed25519 key for an RSA signature")
	{
		dns.txt(key_name, {key_record(ed25519())});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "key type does not match a=rsa-sha256");
	}
	SUBCASE("a bare RSAPublicKey (PKCS#1) as p=")
	{
		unsigned char *der = nullptr;
		int size = i2d_PublicKey(rsa2048(), &der);
		REQUIRE(size > 0);
		dns.txt(key_name, {"v=DKIM1; k=rsa; p=" +
		                   dkim_test::base64(der, static_cast<std::size_t>(size))});
		OPENSSL_free(der);
		CHECK(verify_one(signed_message, dns).result == dkim_result::pass);
	}
	SUBCASE("an EC key or junk as an RSA p=")
	{
		dkim_test::pkey_ptr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
		dns.txt(key_name, {"v=DKIM1; k=rsa; p=" + dkim_test::public_key_b64(ec.get())});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::permerror);
		CHECK(r.reason == "p= is not an RSA public key");
		dns.txt(key_name,
		        {"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"});
		CHECK(verify_one(signed_message, dns).reason == "p= is not an RSA public key");
	}
	SUBCASE("the wrong RSA key")
	{
		auto other = dkim_test::rsa_key(1024);
		dns.txt(key_name, {key_record(other.get())});
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::fail);
		CHECK(r.reason == "signature did not verify");
	}
}

TEST_CASE("DNS failures are temporary; bogus keys are never used")
{
	memory_dns dns;
	auto signed_message = sign(sample_message, rsa2048(), {});
	SUBCASE("bogus answer")
	{
		dns.fail(key_name, dtn::dns_status::bogus, "signature expired");
		auto results = dtn::dkim_verify(signed_message, dns, now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::temperror);
		CHECK(results[0].key_dnssec == dtn::dnssec_state::bogus);
		CHECK(results[0].reason == "key answer for sel._domainkey.example.org is "
		                           "DNSSEC-bogus: signature expired");
		auto check = dtn::to_dkim_check(results, "example.org");
		CHECK_FALSE(check.aligned_pass);
		CHECK(check.temporary);
	}
	SUBCASE("timeout")
	{
		dns.fail(key_name, dtn::dns_status::timeout);
		auto r = verify_one(signed_message, dns);
		CHECK(r.result == dkim_result::temperror);
		CHECK(r.reason == "key lookup for sel._domainkey.example.org failed (timeout)");
	}
	SUBCASE("SERVFAIL")
	{
		dns.fail(key_name, dtn::dns_status::servfail);
		CHECK(verify_one(signed_message, dns).result == dkim_result::temperror);
	}
	SUBCASE("a temporary failure for another domain is not temporary for the sender")
	{
		dns.fail(key_name, dtn::dns_status::timeout);
		auto check = dtn::to_dkim_check(dtn::dkim_verify(signed_message, dns, now),
		                                "unrelated.example.com");
		CHECK_FALSE(check.temporary);
	}
}

TEST_CASE("RFC 8301: rsa-sha1 and short RSA keys do not pass")
{
	memory_dns dns;
	SUBCASE("rsa-sha1")
	{
		dns.txt(key_name, {key_record(rsa2048())});
		sign_options o;
		o.algorithm = "rsa-sha1";
		auto r = verify_one(sign(sample_message, rsa2048(), o), dns);
		CHECK(r.result == dkim_result::fail);
		CHECK(r.reason == "rsa-sha1 is not secure (RFC 8301)");
	}
	SUBCASE("RSA 512")
	{
		auto small = dkim_test::rsa_key(512);
		REQUIRE(small);
		dns.txt(key_name, {key_record(small.get())});
		auto r = verify_one(sign(sample_message, small.get(), {}), dns);
		CHECK(r.result == dkim_result::fail);
		CHECK(r.reason == "RSA key of 512 bits is too short (RFC 8301)");
	}
}

TEST_CASE("header selection: bottom-up for repeated names, over-signing")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(ed25519())});
	sign_options o;
	o.algorithm = "ed25519-sha256";
	o.header_canon = dkim_canon::simple;

	SUBCASE("an absent over-signed Subject stops a Subject being added")
	{
		o.headers = "from:to:subject:subject:reply-to";
		auto signed_message = sign(sample_message, ed25519(), o);
		CHECK(verify_one(signed_message, dns).result == dkim_result::pass);
		auto added = signed_message;
		added.insert(added.find("\r\n\r\n") + 2, "Subject: urgent wire transfer\r\n");
		CHECK(verify_one(added, dns).result == dkim_result::fail);
		auto reply = signed_message;
		reply.insert(reply.find("\r\n\r\n") + 2, "Reply-To: thief@example.com\r\n");
		CHECK(verify_one(reply, dns).result == dkim_result::fail);
	}
	SUBCASE("two Received fields are taken from the bottom up")
	{
		std::string m = "Received: from a\r\nReceived: from b\r\n" + sample_message;
		o.headers = "from:received:received";
		auto signed_message = sign(m, ed25519(), o);
		CHECK(verify_one(signed_message, dns).result == dkim_result::pass);
		auto swapped = signed_message;
		swapped.replace(swapped.find("from a"), 6, "from b");
		swapped.replace(swapped.rfind("from b"), 6, "from a");
		CHECK(verify_one(swapped, dns).result == dkim_result::fail);
		// A Received added on top by the next hop is not signed.
		CHECK(verify_one("Received: from c\r\n" + signed_message, dns).result ==
		      dkim_result::pass);
	}
}

TEST_CASE("several signatures: each reported, keys looked up once, limit honoured")
{
	memory_dns dns;
	dns.txt(key_name, {key_record(ed25519())});
	sign_options o;
	o.algorithm = "ed25519-sha256";
	auto twice = sign(sign(sample_message, ed25519(), o), ed25519(), o);
	auto results = dtn::dkim_verify(twice, dns, now);
	REQUIRE(results.size() == 2);
	CHECK(results[0].result == dkim_result::pass);
	CHECK(results[1].result == dkim_result::pass);
	CHECK(dns.queries == 1);

	dtn::dkim_limits limits;
	limits.max_signatures = 1;
	results = dtn::dkim_verify(twice, dns, now, limits);
	REQUIRE(results.size() == 2);
	CHECK(results[1].result == dkim_result::neutral);
	CHECK(results[1].reason == "not checked: more than 1 signatures");
}

TEST_CASE("malformed and absent signatures")
{
	memory_dns dns;
	CHECK(dtn::dkim_verify(sample_message, dns, now).empty());
	auto results = dtn::dkim_verify(
	        "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=sel; b=AAAA\r\n" +
	                sample_message,
	        dns, now);
	REQUIRE(results.size() == 1);
	CHECK(results[0].result == dkim_result::permerror);
	CHECK(results[0].reason == "malformed signature: required tag bh= is missing");
	CHECK(results[0].domain == "example.org");
	CHECK(results[0].selector == "sel");
	CHECK(dtn::dkim_authres(results[0]) ==
	      "dkim=permerror (malformed signature: required tag bh= is missing) "
	      "header.d=example.org header.s=sel header.a=rsa-sha256 header.b=AAAA");
	CHECK(dns.queries == 0);
}

TEST_CASE("alignment uses organizational domains")
{
	CHECK(dtn::dkim_organizational_domain("Mail.Example.CO.UK.") == "example.co.uk");
	CHECK(dtn::dkim_organizational_domain("co.uk") == "co.uk");
	CHECK(dtn::dkim_aligned("mail.example.co.uk", "example.co.uk"));
	CHECK(dtn::dkim_aligned("example.org", "news.example.org"));
	CHECK_FALSE(dtn::dkim_aligned("example.co.uk", "other.co.uk"));
	CHECK_FALSE(dtn::dkim_aligned("co.uk", "example.co.uk"));
	CHECK_FALSE(dtn::dkim_aligned("", ""));

	memory_dns dns;
	dns.txt(key_name, {key_record(rsa2048())});
	auto results = dtn::dkim_verify(sign(sample_message, rsa2048(), {}), dns, now);
	auto aligned = dtn::to_dkim_check(results, "bulk.example.org");
	CHECK(aligned.aligned_pass);
	CHECK(aligned.reason == "DKIM pass for d=example.org s=sel, aligned with bulk.example.org");
	auto other = dtn::to_dkim_check(results, "example.net");
	CHECK_FALSE(other.aligned_pass);
	CHECK(other.reason == "no passing DKIM signature aligned with example.net: "
	                      "d=example.org pass (not aligned)");
	CHECK(dtn::to_dkim_check({}, "example.org").reason == "no DKIM signature");
}

TEST_CASE("Authentication-Results: comments escaped, b= prefix quoted when needed")
{
	dtn::dkim_signature_result r;
	r.result = dkim_result::fail;
	r.reason = "odd (reason) \\ here";
	r.domain = "example.org";
	r.selector = "s1";
	r.b_prefix = "ab/cd+ef";
	r.key_dnssec = dtn::dnssec_state::insecure;
	CHECK(dtn::dkim_authres(r) ==
	      "dkim=fail (odd \\(reason\\) \\\\ here; key DNSSEC insecure) header.d=example.org "
	      "header.s=s1 header.b=\"ab/cd+ef\"");
}
