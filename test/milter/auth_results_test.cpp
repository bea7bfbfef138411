#include <doctest/doctest.h>

#include "auth_results.hpp"

TEST_CASE("the authserv-id is read past white space and comments")
{
	CHECK(milter::authserv_id_of(" mx.example.net; spf=pass") == "mx.example.net");
	CHECK(milter::authserv_id_of("(forged) mx.example.net 1; none") == "mx.example.net");
	CHECK(milter::authserv_id_of("\n\t (a (nested) comment)mx.example.net;") ==
	      "mx.example.net");
	CHECK(milter::authserv_id_of("   ") == "");
	CHECK(milter::authserv_id_of("(unterminated") == "");
}

TEST_CASE("headers claiming our id are recognised, case-insensitively")
{
	CHECK(milter::claims_authserv_id("MX.Example.NET; x-1dtn=pass", "mx.example.net"));
	CHECK_FALSE(milter::claims_authserv_id("mx.example.net.evil; x", "mx.example.net"));
	CHECK_FALSE(milter::claims_authserv_id("other.example; x", "mx.example.net"));
	CHECK_FALSE(milter::claims_authserv_id("", "mx.example.net"));
}

TEST_CASE("our header is RFC 8601 shaped, with quoting where needed")
{
	std::vector<milter::auth_result> results{
	        {"spf", "pass", "", "", {{"smtp.mailfrom", "a@partner.example"}}},
	        {"x-1dtn",
	         "fail",
	         "no \"record\"",
	         "dnssec=secure (x)",
	         {{"policy.rcptdomain", "example.net"}}},
	};
	auto value = milter::format_auth_results("mx.example.net", results);
	CHECK(value == "mx.example.net;\n\tspf=pass smtp.mailfrom=a@partner.example;\n\t"
	               "x-1dtn=fail reason=\"no \\\"record\\\"\" (dnssec=secure x) "
	               "policy.rcptdomain=example.net");
	CHECK(milter::format_auth_results("mx", {}) == "mx; none");
}
