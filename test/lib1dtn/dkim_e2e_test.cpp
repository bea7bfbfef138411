// DKIM keys served by NSD from signed, unsigned and broken zones and
// fetched through the validating libunbound resolver: the key's DNSSEC
// state reaches each result, and a bogus or unreachable key is a
// temporary error, never a pass.
#include <doctest/doctest.h>

#include <chrono>

#include "1dtn/resolver.hpp"
#include "dkim_fixture.hpp"
#include "dns_lab.hpp"

using dkim_test::sample_message;
using dkim_test::sign;
using dkim_test::sign_options;
using dtn::dkim_result;
using namespace std::chrono_literals;

namespace {

constexpr std::time_t now = 1764756000;

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

// A zone-file TXT line; long records are cut into 255-byte strings.
std::string txt_line(std::string const &owner, std::string const &text)
{
	std::string line = owner + " TXT";
	for (std::size_t at = 0; at < text.size(); at += 255)
		line += " \"" + text.substr(at, 255) + "\"";
	return line;
}

lab::dns_lab &shared_dns()
{
	static lab::dns_lab dns;
	static bool const started = [] {
		auto rsa = dkim_test::key_record(rsa2048());
		auto ed = dkim_test::key_record(ed25519());
		dns.add_zone("signed.example",
		             {txt_line("rsa._domainkey", rsa), txt_line("ed._domainkey", ed),
		              txt_line("gone._domainkey", "v=DKIM1; k=rsa; p=")});
		dns.add_zone("plain.example", {txt_line("ed._domainkey", ed)},
		             lab::zone_security::unsigned_zone);
		dns.add_zone("broken.example", {txt_line("ed._domainkey", ed)},
		             lab::zone_security::broken_signature);
		dns.add_dead_zone("slow.example");
		dns.start();
		return true;
	}();
	(void)started;
	return dns;
}

std::shared_ptr<dtn::unbound_resolver> resolver()
{
	auto created = dtn::unbound_resolver::create(shared_dns().resolver_options(1500ms));
	REQUIRE_MESSAGE(created, created.error());
	return *created;
}

std::string signed_by(std::string const &domain, std::string const &selector)
{
	sign_options o;
	o.domain = domain;
	o.selector = selector;
	o.algorithm = selector == "rsa" ? "rsa-sha256" : "ed25519-sha256";
	return sign(sample_message, selector == "rsa" ? rsa2048() : ed25519(), o);
}

dtn::dkim_signature_result verify_one(std::string const &message, dtn::dns_source &dns)
{
	auto results = dtn::dkim_verify(message, dns, now);
	REQUIRE(results.size() == 1);
	return results[0];
}

} // namespace

TEST_CASE("keys in a signed zone: pass with a secure key")
{
	auto dns = resolver();
	for (std::string selector : {"rsa", "ed"}) {
		CAPTURE(selector);
		auto results = dtn::dkim_verify(signed_by("signed.example", selector), *dns, now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].reason == "signature verified");
		CHECK(results[0].result == dkim_result::pass);
		CHECK(results[0].key_dnssec == dtn::dnssec_state::secure);
		CHECK(dtn::to_dkim_check(results, "signed.example").aligned_pass);
	}
}

TEST_CASE("keys in a signed zone: revoked and missing keys are permanent errors")
{
	auto dns = resolver();
	auto revoked = verify_one(signed_by("signed.example", "gone"), *dns);
	CHECK(revoked.result == dkim_result::permerror);
	CHECK(revoked.reason == "key revoked (empty p=)");
	CHECK(revoked.key_dnssec == dtn::dnssec_state::secure);

	auto missing = verify_one(signed_by("signed.example", "nosuch"), *dns);
	CHECK(missing.result == dkim_result::permerror);
	CHECK(missing.reason == "no key at nosuch._domainkey.signed.example (nxdomain)");
	CHECK(missing.key_dnssec == dtn::dnssec_state::secure);
}

TEST_CASE("a key in an unsigned zone passes and says insecure")
{
	auto dns = resolver();
	auto r = verify_one(signed_by("plain.example", "ed"), *dns);
	CHECK(r.result == dkim_result::pass);
	CHECK(r.key_dnssec == dtn::dnssec_state::insecure);
	auto authres = dtn::dkim_authres(r);
	CHECK(authres.rfind("dkim=pass (signature verified; key DNSSEC insecure) "
	                    "header.d=plain.example header.s=ed header.a=ed25519-sha256 header.b=",
	                    0) == 0);
}

TEST_CASE("a key in a DNSSEC-bogus zone is a temporary error")
{
	auto dns = resolver();
	auto results = dtn::dkim_verify(signed_by("broken.example", "ed"), *dns, now);
	REQUIRE(results.size() == 1);
	CHECK(results[0].result == dkim_result::temperror);
	CHECK(results[0].key_dnssec == dtn::dnssec_state::bogus);
	CHECK(results[0].reason.find("is DNSSEC-bogus") != std::string::npos);
	auto check = dtn::to_dkim_check(results, "broken.example");
	CHECK_FALSE(check.aligned_pass);
	CHECK(check.temporary);
}

TEST_CASE("a key behind a dead name server is a temporary error")
{
	auto dns = resolver();
	auto r = verify_one(signed_by("slow.example", "ed"), *dns);
	CHECK(r.result == dkim_result::temperror);
	CHECK(r.reason.find("key lookup for ed._domainkey.slow.example failed") == 0);
}
