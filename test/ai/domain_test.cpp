#include <doctest/doctest.h>

#include "ai/domain.hpp"

using namespace ai;

TEST_CASE("url_host takes the host out of URLs of every shape")
{
	CHECK(url_host("https://Login.Example.COM:8443/path?q=1") == "login.example.com");
	CHECK(url_host("http://user:pw@evil.example/") == "evil.example");
	CHECK(url_host("http://paypal.com@203.0.113.5/x") == "203.0.113.5");
	CHECK(url_host("www.example.org/abc") == "www.example.org");
	CHECK(url_host("www.example.org:8080/abc") == "www.example.org");
	CHECK(url_host("mailto:ceo@corp.example") == "corp.example");
	CHECK(url_host("http://[2001:db8::1]:80/") == "[2001:db8::1]");
	CHECK(url_host("https://example.com./") == "example.com");
	CHECK(url_host("") == "");
	CHECK(url_has_userinfo("http://paypal.com@203.0.113.5/x"));
	CHECK_FALSE(url_has_userinfo("https://example.com/a@b"));
}

TEST_CASE("IP literals include the integer forms browsers accept")
{
	CHECK(is_ip_literal("192.0.2.1"));
	CHECK(is_ip_literal("3232235777"));
	CHECK(is_ip_literal("0xc0.0xa8.0x1.0x1"));
	CHECK(is_ip_literal("[::1]"));
	CHECK_FALSE(is_ip_literal("example.com"));
	CHECK_FALSE(is_ip_literal("1password.com"));
	CHECK_FALSE(is_ip_literal("cafe.de"));
}

TEST_CASE("organisational domains follow the public suffix list")
{
	CHECK(org_domain("mail.partner.co.jp") == "partner.co.jp");
	CHECK(org_domain("a.b.example.co.uk") == "example.co.uk");
	CHECK(org_domain("www.example.com") == "example.com");
	CHECK(org_domain("192.0.2.1") == "");
	CHECK(has_known_suffix("www.example.com"));
	CHECK_FALSE(has_known_suffix("invoice.pdfx"));
}

TEST_CASE("punycode decodes and confusable skeletons match look-alikes")
{
	CHECK(has_punycode_label("xn--pypal-4ve.com"));
	CHECK_FALSE(has_punycode_label("paypal.com"));
	auto decoded = host_to_unicode("xn--pypal-4ve.com");
	CHECK(decoded != "xn--pypal-4ve.com");
	CHECK(confusable_skeleton(decoded) == confusable_skeleton("paypal.com"));
	// Cyrillic а, о; digit 0; "rn" for m.
	CHECK(confusable_skeleton("p\xD0\xB0yp\xD0\xB0l") == "paypal");
	CHECK(confusable_skeleton("g00gle") == "google");
	CHECK(confusable_skeleton("rnicrosoft") == confusable_skeleton("microsoft"));
	CHECK(confusable_skeleton("ｐａｙｐａｌ") == "paypal");
	CHECK(confusable_skeleton("example") == "example");
}

TEST_CASE("homographs: mixed scripts or an all-Cyrillic imitation of Latin")
{
	CHECK(looks_like_homograph("p\xD0\xB0ypal")); // Latin with Cyrillic а
	CHECK(looks_like_homograph("\xD1\x80\xD0\xB0\xD1\x83\xD1\x80\xD0\xB0\xD3\x8F")); // раураӏ
	CHECK_FALSE(looks_like_homograph("paypal"));
	CHECK_FALSE(looks_like_homograph("m\xC3\xBCnchen")); // münchen: Latin only
	CHECK_FALSE(
	        looks_like_homograph("\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80")); // пример
	CHECK_FALSE(looks_like_homograph("日本語"));
}

TEST_CASE("edit distance counts swaps as one edit")
{
	CHECK(edit_distance("partner", "partner") == 0);
	CHECK(edit_distance("partner", "patrner") == 1);
	CHECK(edit_distance("partner", "partners") == 1);
	CHECK(edit_distance("abc", "xyz") == 3);
	CHECK(edit_distance("", "abc") == 3);
}
