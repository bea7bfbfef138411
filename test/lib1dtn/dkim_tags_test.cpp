// The tag-list, DKIM-Signature and key record parsers: what they accept
// and the reasons they give for what they refuse.
#include <doctest/doctest.h>

#include "1dtn/dkim.hpp"

namespace {

// A valid signature value; tests replace or drop single tags.
std::string const base = "v=1; a=rsa-sha256; d=example.org; s=sel; h=From:To; "
                         "bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=AAAA";

std::string parse_error(std::string const &value)
{
	auto sig = dtn::dkim_parse_signature(value);
	REQUIRE_FALSE(sig.has_value());
	return sig.error();
}

std::string key_error(std::string const &txt)
{
	auto key = dtn::dkim_parse_key(txt);
	REQUIRE_FALSE(key.has_value());
	return key.error();
}

} // namespace

TEST_CASE("tag list: names, values, white space and separators")
{
	auto tags = dtn::dkim_parse_tag_list(" a = 1 ;\r\n\tb_2=x y ; c= ;");
	REQUIRE(tags.has_value());
	REQUIRE(tags->size() == 3);
	CHECK((*tags)[0].name == "a");
	CHECK((*tags)[0].value == "1");
	CHECK((*tags)[1].name == "b_2");
	CHECK((*tags)[1].value == "x y");
	CHECK((*tags)[2].value.empty());

	CHECK(dtn::dkim_parse_tag_list("").error() == "empty tag list");
	CHECK(dtn::dkim_parse_tag_list(";").error() == "empty tag list");
	CHECK(dtn::dkim_parse_tag_list("a=1;;b=2").error() == "empty tag between ';'");
	CHECK(dtn::dkim_parse_tag_list("a=1; a=2").error() == "tag a= appears twice");
	CHECK(dtn::dkim_parse_tag_list("a=1; junk").error() == "tag \"junk\" has no '='");
	CHECK(dtn::dkim_parse_tag_list("1a=1").error() == "invalid tag name \"1a\"");
	CHECK(dtn::dkim_parse_tag_list("a b=1").error() == "invalid tag name \"a b\"");
	CHECK(dtn::dkim_parse_tag_list("a=\x01").error() == "invalid character in the value of a=");
	CHECK(dtn::dkim_parse_tag_list("a=caf\xc3\xa9").error() ==
	      "invalid character in the value of a=");
}

TEST_CASE("signature: a complete value parses with its defaults")
{
	auto sig = dtn::dkim_parse_signature(base);
	REQUIRE(sig.has_value());
	CHECK(sig->algorithm == dtn::dkim_algorithm::rsa_sha256);
	CHECK(sig->header_canon == dtn::dkim_canon::simple);
	CHECK(sig->body_canon == dtn::dkim_canon::simple);
	CHECK(sig->domain == "example.org");
	CHECK(sig->selector == "sel");
	CHECK(sig->identity == "@example.org");
	CHECK(sig->signed_headers == std::vector<std::string>{"from", "to"});
	CHECK(sig->body_hash.size() == 32);
	CHECK(sig->signature.size() == 3);
	CHECK_FALSE(sig->body_length.has_value());
}

TEST_CASE("signature: optional tags")
{
	auto sig = dtn::dkim_parse_signature(base + "; c=relaxed; i=joe@Mail.Example.ORG; "
	                                            "l=12; t=100; x=200; q=dns/txt; z=From:x");
	REQUIRE(sig.has_value());
	CHECK(sig->header_canon == dtn::dkim_canon::relaxed);
	CHECK(sig->body_canon == dtn::dkim_canon::simple);
	CHECK(sig->identity == "joe@mail.example.org");
	CHECK(sig->body_length == 12u);
	CHECK(sig->timestamp == 100);
	CHECK(sig->expiration == 200);

	auto rr = dtn::dkim_parse_signature(base + "; c=simple/relaxed");
	REQUIRE(rr.has_value());
	CHECK(rr->body_canon == dtn::dkim_canon::relaxed);
}

TEST_CASE("signature: every required tag is required")
{
	for (std::string tag :
	     {"v=1; ", "a=rsa-sha256; ", "d=example.org; ", "s=sel; ", "h=From:To; "}) {
		std::string value = base;
		value.erase(value.find(tag), tag.size());
		auto name = tag.substr(0, tag.find('='));
		CHECK(parse_error(value) == "required tag " + name + "= is missing");
	}
	CHECK(parse_error(base.substr(0, base.find("; b="))) == "required tag b= is missing");
}

TEST_CASE("signature: strict checks of the values")
{
	auto with = [](std::string const &from, std::string const &to) {
		std::string value = base;
		value.replace(value.find(from), from.size(), to);
		return parse_error(value);
	};
	CHECK(with("v=1", "v=2") == "unsupported version v=2");
	CHECK(with("a=rsa-sha256", "a=rsa-md5") == "unknown algorithm a=rsa-md5");
	CHECK(with("d=example.org", "d=org") == "d= is not a domain name");
	CHECK(with("d=example.org", "d=exa mple.org") == "d= is not a domain name");
	CHECK(with("d=example.org", "d=example..org") == "d= is not a domain name");
	CHECK(with("d=example.org", "d=-x.example.org") == "d= is not a domain name");
	CHECK(with("s=sel", "s=se/l") == "s= is not a valid selector");
	CHECK(with("h=From:To", "h=To:Subject") == "h= does not include From");
	CHECK(with("h=From:To", "h=From::To") == "h= has an invalid header field name");
	CHECK(with("b=AAAA", "b=AAA") == "b= is not base64: base64 length is not a multiple of 4");
	CHECK(with("b=AAAA", "b=A*AA") == "b= is not base64: invalid base64 character at offset 1");
	CHECK(with("b=AAAA", "b=") == "b= is empty");
	CHECK(with("bh=47DEQpj8", "bh=") == "bh= has 26 bytes, the hash has 32");
	CHECK(with("bh=47DEQpj8", "bh=47DEQpj") ==
	      "bh= is not base64: base64 length is not a multiple of 4");
	CHECK(with("; b=AAAA", "; b=AAAA; c=fancy") == "unknown canonicalization \"fancy\"");
	CHECK(with("; b=AAAA", "; b=AAAA; c=simple/fancy") == "unknown canonicalization \"fancy\"");
	CHECK(with("; b=AAAA", "; b=AAAA; i=joe@example.com") ==
	      "i= domain example.com is not within d=example.org");
	CHECK(with("; b=AAAA", "; b=AAAA; i=joe@badexample.org") ==
	      "i= domain badexample.org is not within d=example.org");
	CHECK(with("; b=AAAA", "; b=AAAA; i=joe") == "i= has no '@'");
	CHECK(with("; b=AAAA", "; b=AAAA; l=-1") == "l= is not a number of at most 76 digits");
	CHECK(with("; b=AAAA", "; b=AAAA; l=99999999999999999999") == "l= is out of range");
	CHECK(with("; b=AAAA", "; b=AAAA; t=1234567890123") ==
	      "t= is not a number of at most 12 digits");
	CHECK(with("; b=AAAA", "; b=AAAA; t=200; x=100") == "x= is not later than t=");
	CHECK(with("; b=AAAA", "; b=AAAA; q=http/well-known") ==
	      "q= offers no dns/txt query method");
	CHECK(with("a=rsa-sha256", "a=rsa-sha1") == "bh= has 32 bytes, the hash has 20");
}

TEST_CASE("signature: folded values keep their meaning")
{
	auto sig = dtn::dkim_parse_signature(
	        "v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n d=Example.ORG; s=Sel;\r\n"
	        " h=from : to :\r\n subject; bh=47DEQpj8HBSa+/TImW+5JC\r\n euQeRkm5NMpJWZG3hSuFU=;"
	        "\r\n b=AA\r\n  AA;");
	REQUIRE(sig.has_value());
	CHECK(sig->domain == "example.org");
	CHECK(sig->selector == "sel");
	CHECK(sig->signed_headers == std::vector<std::string>{"from", "to", "subject"});
	CHECK(sig->signature_b64 == "AAAA");
}

TEST_CASE("key record: tags and flags")
{
	auto key = dtn::dkim_parse_key("v=DKIM1; k=ed25519; h=sha256; s=email; t=y:s; n=note; "
	                               "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	REQUIRE(key.has_value());
	CHECK(key->type == dtn::dkim_key_type::ed25519);
	CHECK(key->public_key.size() == 32);
	CHECK(key->testing);
	CHECK(key->strict_identity);
	CHECK(key->allows_hash("sha256"));
	CHECK_FALSE(key->allows_hash("sha1"));
	CHECK_FALSE(key->revoked());

	auto plain = dtn::dkim_parse_key("p=AAAA");
	REQUIRE(plain.has_value());
	CHECK(plain->type == dtn::dkim_key_type::rsa);
	CHECK(plain->allows_hash("sha1"));
	CHECK_FALSE(plain->testing);

	auto revoked = dtn::dkim_parse_key("v=DKIM1; p=");
	REQUIRE(revoked.has_value());
	CHECK(revoked->revoked());

	CHECK(dtn::dkim_parse_key("v=DKIM1; s=*; p=AAAA").has_value());
	CHECK(dtn::dkim_parse_key("v=DKIM1; t=x:y:z; p=AAAA")->testing);
}

TEST_CASE("key record: refused records")
{
	CHECK(key_error("v=DKIM1; k=rsa") == "key record has no p=");
	CHECK(key_error("k=rsa; v=DKIM1; p=AAAA") == "v= is not the first tag");
	CHECK(key_error("v=DKIM2; p=AAAA") == "not a DKIM1 key record (v=DKIM2)");
	CHECK(key_error("v=spf1 -all") == "not a DKIM1 key record (v=spf1 -all)");
	CHECK(key_error("k=dsa; p=AAAA") == "unknown key type k=dsa");
	CHECK(key_error("s=web; p=AAAA") == "key is not for email (s=)");
	CHECK(key_error("p=AA!A") == "p= is not base64: invalid base64 character at offset 2");
	CHECK(key_error("p=AAAA; p=AAAA") == "tag p= appears twice");
}
