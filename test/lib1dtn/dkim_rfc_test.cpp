// The example signatures published in RFC 6376 (appendix A, as
// corrected by errata 3192 and 4926) and RFC 8463 (appendix A), checked
// with the published keys at a fixed time.
#include <doctest/doctest.h>

#include "dkim_fixture.hpp"

using dkim_test::memory_dns;
using dtn::dkim_result;

namespace {

constexpr std::time_t fixed_now = 1764547200; // 2025-12-01

std::string const rfc6376_key =
        "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/"
        "zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/"
        "NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB";

// The signed headers of RFC 6376 A.2 with the continuation lines as the
// signer hashed them (six spaces, erratum 4926) and the body with one
// space after "game." (erratum 3192).
std::string const rfc6376_message =
        "DKIM-Signature: v=1; a=rsa-sha256; s=brisbane; d=example.com;\r\n"
        "      c=simple/simple; q=dns/txt; i=joe@football.example.com;\r\n"
        "      h=Received : From : To : Subject : Date : Message-ID;\r\n"
        "      bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        "      b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n"
        "      4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut\r\n"
        "      KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV\r\n"
        "      4bmp/YzhwvcubU4=;\r\n"
        "Received: from client1.football.example.com  [192.0.2.1]\r\n"
        "      by submitserver.example.com with SUBMISSION;\r\n"
        "      Fri, 11 Jul 2003 21:01:54 -0700 (PDT)\r\n"
        "From: Joe SixPack <joe@football.example.com>\r\n"
        "To: Suzie Q <suzie@shopping.example.net>\r\n"
        "Subject: Is dinner ready?\r\n"
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
        "\r\n"
        "Hi.\r\n"
        "\r\n"
        "We lost the game. Are you hungry yet?\r\n"
        "\r\n"
        "Joe.\r\n";

std::string const rfc8463_ed25519_key =
        "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
std::string const rfc8463_rsa_key =
        "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08"
        "a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM"
        "KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

std::string const rfc8463_message =
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
        " d=football.example.com; i=@football.example.com;\r\n"
        " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
        " subject : date : message-id : from : subject : date;\r\n"
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
        " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n"
        " d=football.example.com; i=@football.example.com;\r\n"
        " q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n"
        " date : message-id : from : subject : date;\r\n"
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
        " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n"
        " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n"
        " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n"
        "From: Joe SixPack <joe@football.example.com>\r\n"
        "To: Suzie Q <suzie@shopping.example.net>\r\n"
        "Subject: Is dinner ready?\r\n"
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n"
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n"
        "\r\n"
        "Hi.\r\n"
        "\r\n"
        "We lost the game.  Are you hungry yet?\r\n"
        "\r\n"
        "Joe.\r\n";

std::string replaced(std::string text, std::string const &from, std::string const &to)
{
	auto at = text.find(from);
	REQUIRE(at != std::string::npos);
	return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("RFC 6376 appendix A: the corrected example verifies with the published key")
{
	memory_dns dns;
	dns.txt("brisbane._domainkey.example.com", {rfc6376_key});
	auto results = dtn::dkim_verify(rfc6376_message, dns, fixed_now);
	REQUIRE(results.size() == 1);
	CHECK(results[0].reason == "signature verified");
	CHECK(results[0].result == dkim_result::pass);
	CHECK(results[0].domain == "example.com");
	CHECK(results[0].selector == "brisbane");
	CHECK(results[0].identity == "joe@football.example.com");
	CHECK(results[0].key_dnssec == dtn::dnssec_state::secure);
	CHECK(dtn::dkim_authres(results[0]) ==
	      "dkim=pass (signature verified; key DNSSEC secure) header.d=example.com "
	      "header.s=brisbane header.a=rsa-sha256 header.b=AuUoFEfD");
}

TEST_CASE("RFC 6376 appendix A: simple canonicalization sees every changed byte")
{
	memory_dns dns;
	dns.txt("brisbane._domainkey.example.com", {rfc6376_key});
	SUBCASE("a body changed by one space fails the body hash (erratum 3192)")
	{
		auto msg = replaced(rfc6376_message, "game. Are", "game.  Are");
		auto results = dtn::dkim_verify(msg, dns, fixed_now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::fail);
		CHECK(results[0].reason == "body hash did not verify");
	}
	SUBCASE("a header folded differently fails the signature (erratum 4926)")
	{
		auto msg = replaced(rfc6376_message, "      by submitserver",
		                    "        by submitserver");
		auto results = dtn::dkim_verify(msg, dns, fixed_now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::fail);
		CHECK(results[0].reason == "signature did not verify");
	}
	SUBCASE("an added trailing empty line changes nothing")
	{
		auto results = dtn::dkim_verify(rfc6376_message + "\r\n\r\n", dns, fixed_now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::pass);
	}
	SUBCASE("bare LF line ends are read as CRLF")
	{
		std::string lf;
		for (char c : rfc6376_message)
			if (c != '\r')
				lf.push_back(c);
		auto results = dtn::dkim_verify(lf, dns, fixed_now);
		REQUIRE(results.size() == 1);
		CHECK(results[0].result == dkim_result::pass);
	}
}

TEST_CASE("RFC 8463 appendix A: the Ed25519 and RSA signatures both verify")
{
	memory_dns dns;
	dns.txt("brisbane._domainkey.football.example.com", {rfc8463_ed25519_key});
	dns.txt("test._domainkey.football.example.com", {rfc8463_rsa_key},
	        dtn::dnssec_state::insecure);
	auto results = dtn::dkim_verify(rfc8463_message, dns, fixed_now);
	REQUIRE(results.size() == 2);
	CHECK(results[0].algorithm == "ed25519-sha256");
	CHECK(results[0].reason == "signature verified");
	CHECK(results[0].result == dkim_result::pass);
	CHECK(results[0].selector == "brisbane");
	CHECK(results[0].key_dnssec == dtn::dnssec_state::secure);
	CHECK(results[1].algorithm == "rsa-sha256");
	CHECK(results[1].result == dkim_result::pass);
	CHECK(results[1].selector == "test");
	CHECK(results[1].key_dnssec == dtn::dnssec_state::insecure);
	CHECK(dns.queries == 2);

	auto check = dtn::to_dkim_check(results, "football.example.com");
	CHECK(check.aligned_pass);
	CHECK_FALSE(check.temporary);
}

TEST_CASE("RFC 8463 appendix A: relaxed canonicalization tolerates white space only")
{
	memory_dns dns;
	dns.txt("brisbane._domainkey.football.example.com", {rfc8463_ed25519_key});
	dns.txt("test._domainkey.football.example.com", {rfc8463_rsa_key});
	SUBCASE("re-folded headers, changed case of names and extra spaces still pass")
	{
		auto msg = replaced(rfc8463_message, "Subject: Is dinner ready?",
		                    "SUBJECT:   Is dinner\r\n\t ready?   ");
		msg = replaced(msg, "Hi.\r\n", "Hi. \t \r\n");
		for (auto const &r : dtn::dkim_verify(msg, dns, fixed_now))
			CHECK(r.result == dkim_result::pass);
	}
	SUBCASE("a changed word fails both signatures")
	{
		auto msg = replaced(rfc8463_message, "Is dinner ready?", "Is lunch ready?");
		for (auto const &r : dtn::dkim_verify(msg, dns, fixed_now)) {
			CHECK(r.result == dkim_result::fail);
			CHECK(r.reason == "signature did not verify");
		}
	}
	SUBCASE("a second Subject added below is selected and breaks the signatures")
	{
		// h= names subject twice: the bottom one is hashed first, then the
		// next one up; an appended Subject shifts the selection.
		auto msg = replaced(rfc8463_message, "\r\n\r\nHi.",
		                    "\r\nSubject: Pay this invoice\r\n\r\nHi.");
		for (auto const &r : dtn::dkim_verify(msg, dns, fixed_now))
			CHECK(r.result == dkim_result::fail);
	}
	SUBCASE("an Ed25519 key with the wrong length is a permanent error")
	{
		memory_dns short_key;
		short_key.txt("brisbane._domainkey.football.example.com",
		              {"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcH"});
		short_key.txt("test._domainkey.football.example.com", {rfc8463_rsa_key});
		auto results = dtn::dkim_verify(rfc8463_message, short_key, fixed_now);
		REQUIRE(results.size() == 2);
		CHECK(results[0].result == dkim_result::permerror);
		CHECK(results[0].reason == "ed25519 key is not 32 bytes");
		CHECK(results[1].result == dkim_result::pass);
	}
}
