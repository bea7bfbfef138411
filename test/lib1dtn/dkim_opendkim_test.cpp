// Messages signed at test time by OpenDKIM (Debian's opendkim, its
// filter run in test mode, -t, with a fixed clock, -F) and verified
// here with the keys opendkim-genkey and OpenSSL made, served by an
// in-memory dns_source. OpenDKIM is a second, independent
// implementation of canonicalization and signing.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdio>
#include <openssl/pem.h>

#include "dkim_fixture.hpp"
#include "lab.hpp"

using dkim_test::memory_dns;
using dtn::dkim_result;

namespace {

constexpr std::time_t signed_at = 1764756000;

std::string const message = "From: Alice <alice@example.org>\r\n"
                            "To: bob@example.net\r\n"
                            "Subject: spaced    out\r\n"
                            "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
                            "Message-ID: <opendkim-test@example.org>\r\n"
                            "\r\n"
                            "Hello Bob,   \r\n"
                            "\t indented line\r\n"
                            "\r\n"
                            "\r\n";

// The TXT data of opendkim-genkey's "sel.txt": its quoted strings joined.
std::string record_from_genkey(std::string const &zone_text)
{
	std::string out;
	for (std::size_t at = 0; (at = zone_text.find('"', at)) != std::string::npos;) {
		auto end = zone_text.find('"', at + 1);
		REQUIRE(end != std::string::npos);
		out += zone_text.substr(at + 1, end - at - 1);
		at = end + 1;
	}
	return out;
}

// OpenDKIM 2.11.0~beta2 hashes an Ed25519 signature header with "; b="
// on the line of the tag before it, then emits it with a fold before
// b= (found by trying the possible foldings against its signature; its
// RSA headers are hashed as emitted). Under simple header
// canonicalization the fold is signed data, so the header is put back
// the way OpenDKIM hashed it. Relaxed canonicalization is unaffected.
std::string as_opendkim_hashed(std::string header, std::string const &algorithm,
                               std::string const &canon)
{
	if (algorithm != "ed25519-sha256" || canon.rfind("simple/", 0) != 0)
		return header;
	auto at = header.rfind(";\r\n\tb=");
	REQUIRE(at != std::string::npos);
	return header.replace(at, 4, "; ");
}

std::string ed25519_record(std::filesystem::path const &pem)
{
	FILE *f = std::fopen(pem.c_str(), "r");
	REQUIRE(f != nullptr);
	dkim_test::pkey_ptr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
	std::fclose(f);
	REQUIRE(key);
	return dkim_test::key_record(key.get());
}

struct opendkim_lab {
	lab::temp_dir dir{"1dall-dkim"};
	std::string rsa_record;
	std::string ed_record;
	int configs = 0;

	opendkim_lab()
	{
		REQUIRE_MESSAGE(lab::have_program("opendkim"),
		                "opendkim is not installed (Debian package opendkim)");
		REQUIRE_MESSAGE(lab::have_program("opendkim-genkey"),
		                "opendkim-genkey is not installed (package opendkim-tools)");
		::chmod(dir.path().c_str(), 0700);
		REQUIRE(lab::run({"opendkim-genkey", "-b", "2048", "-d", "example.org", "-s", "rsa",
		                  "-D", dir.path().string()},
		                 dir / "genkey.log") == 0);
		rsa_record = record_from_genkey(lab::read_file(dir / "rsa.txt"));
		REQUIRE(lab::run({"openssl", "genpkey", "-algorithm", "ed25519", "-out",
		                  (dir / "ed.private").string()},
		                 dir / "genkey.log") == 0);
		ed_record = ed25519_record(dir / "ed.private");
		lab::write_file(dir / "message.eml", message);
	}

	// Signs message.eml with opendkim and returns the signed message.
	std::string sign(std::string const &selector, std::string const &algorithm,
	                 std::string const &canon, std::string const &extra = "")
	{
		auto conf = dir / ("sign" + std::to_string(++configs) + ".conf");
		lab::write_file(conf,
		                "Mode s\nDomain example.org\nSelector " + selector + "\nKeyFile " +
		                        (dir / (selector + ".private")).string() +
		                        "\nCanonicalization " + canon + "\nSignatureAlgorithm " +
		                        algorithm + "\nRequireSafeKeys false\nSyslog no\n" + extra);
		int status = 0;
		auto out = lab::capture("opendkim -x " + conf.string() + " -t " +
		                                (dir / "message.eml").string() + " -F " +
		                                std::to_string(signed_at) + " 2>>" +
		                                (dir / "opendkim.log").string(),
		                        &status);
		REQUIRE_MESSAGE(status == 0, lab::read_file(dir / "opendkim.log"));
		auto at = out.find("DKIM-Signature:");
		REQUIRE_MESSAGE(at != std::string::npos, out);
		std::string header;
		for (char c : out.substr(at)) {
			if (c == '\n' && (header.empty() || header.back() != '\r'))
				header += "\r";
			header += c;
		}
		while (header.size() >= 2 && header.compare(header.size() - 2, 2, "\r\n") == 0)
			header.resize(header.size() - 2);
		return as_opendkim_hashed(header, algorithm, canon) + "\r\n" + message;
	}

	memory_dns dns() const
	{
		memory_dns d;
		d.txt("rsa._domainkey.example.org", {rsa_record});
		d.txt("ed._domainkey.example.org", {ed_record});
		return d;
	}
};

dtn::dkim_signature_result verify_one(std::string const &signed_message, memory_dns &dns,
                                      std::time_t at = signed_at + 60)
{
	auto results = dtn::dkim_verify(signed_message, dns, at);
	REQUIRE(results.size() == 1);
	return results[0];
}

} // namespace

TEST_CASE("OpenDKIM signatures verify in every canonicalization")
{
	opendkim_lab lab;
	auto dns = lab.dns();
	CHECK(lab.rsa_record.find("v=DKIM1; h=sha256; k=rsa; p=MII") == 0);
	for (std::string canon :
	     {"simple/simple", "relaxed/relaxed", "relaxed/simple", "simple/relaxed"}) {
		for (std::string selector : {"rsa", "ed"}) {
			CAPTURE(canon);
			CAPTURE(selector);
			auto algorithm = selector == "ed" ? "ed25519-sha256" : "rsa-sha256";
			auto signed_message = lab.sign(selector, algorithm, canon);
			REQUIRE(signed_message.find("c=" + canon) != std::string::npos);
			auto r = verify_one(signed_message, dns);
			CHECK(r.reason == "signature verified");
			CHECK(r.result == dkim_result::pass);
			CHECK(r.domain == "example.org");
			CHECK(r.selector == selector);
			CHECK(r.algorithm == algorithm);

			auto tampered = signed_message;
			tampered.replace(tampered.find("indented"), 8, "INDENTED");
			CHECK(verify_one(tampered, dns).result == dkim_result::fail);
		}
	}
}

TEST_CASE("OpenDKIM: white space changes in transit, by canonicalization")
{
	opendkim_lab lab;
	auto dns = lab.dns();
	auto respace = [](std::string m) {
		m.replace(m.find("spaced    out"), 13, "spaced out");
		return m.replace(m.find("Hello Bob,   "), 13, "Hello  Bob,");
	};
	CHECK(verify_one(respace(lab.sign("rsa", "rsa-sha256", "relaxed/relaxed")), dns).result ==
	      dkim_result::pass);
	auto simple = verify_one(respace(lab.sign("rsa", "rsa-sha256", "simple/simple")), dns);
	CHECK(simple.result == dkim_result::fail);
}

TEST_CASE("OpenDKIM: over-signed From and x= from SignatureTTL")
{
	opendkim_lab lab;
	auto dns = lab.dns();
	auto signed_message = lab.sign("ed", "ed25519-sha256", "relaxed/relaxed",
	                               "OversignHeaders From\nSignatureTTL 3600\n");
	REQUIRE(signed_message.find("x=" + std::to_string(signed_at + 3600)) != std::string::npos);
	CHECK(verify_one(signed_message, dns).result == dkim_result::pass);

	auto second_from = signed_message;
	second_from.insert(second_from.find("\r\n\r\n") + 2, "From: ceo@example.org\r\n");
	CHECK(verify_one(second_from, dns).result == dkim_result::fail);

	auto expired = verify_one(signed_message, dns, signed_at + 3600 + 301);
	CHECK(expired.result == dkim_result::fail);
	CHECK(expired.reason == "signature expired (x=" + std::to_string(signed_at + 3600) + ")");
}

TEST_CASE("OpenDKIM: revoked, missing and bogus keys")
{
	opendkim_lab lab;
	auto signed_message = lab.sign("rsa", "rsa-sha256", "relaxed/relaxed");
	memory_dns dns;
	CHECK(verify_one(signed_message, dns).result == dkim_result::permerror);
	dns.txt("rsa._domainkey.example.org", {"v=DKIM1; h=sha256; k=rsa; p="});
	CHECK(verify_one(signed_message, dns).reason == "key revoked (empty p=)");
	dns.fail("rsa._domainkey.example.org", dtn::dns_status::bogus, "no signatures");
	auto r = verify_one(signed_message, dns);
	CHECK(r.result == dkim_result::temperror);
	CHECK(r.key_dnssec == dtn::dnssec_state::bogus);
}
