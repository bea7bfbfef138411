#include <doctest/doctest.h>

#include "1dtn/pattern.hpp"

using dtn::pattern_matches;

TEST_CASE("a plain pattern matches exactly its domain")
{
	CHECK(pattern_matches("partner.example", "partner.example"));
	CHECK(pattern_matches("Partner.Example", "partner.EXAMPLE"));
	CHECK(pattern_matches("partner.example.", "partner.example"));
	CHECK(pattern_matches("partner.example", "partner.example."));
	CHECK_FALSE(pattern_matches("partner.example", "mail.partner.example"));
	CHECK_FALSE(pattern_matches("partner.example", "partner.example.evil"));
}

TEST_CASE("a wildcard matches proper subdomains, never the bare domain")
{
	CHECK(pattern_matches("*.supplier.example", "a.supplier.example"));
	CHECK(pattern_matches("*.supplier.example", "x.y.SUPPLIER.example"));
	CHECK_FALSE(pattern_matches("*.supplier.example", "supplier.example"));
	CHECK_FALSE(pattern_matches("*.supplier.example", "evilsupplier.example"));
	CHECK_FALSE(pattern_matches("*.supplier.example", ".supplier.example"));
}

TEST_CASE("empty input matches nothing")
{
	CHECK_FALSE(pattern_matches("", "a.example"));
	CHECK_FALSE(pattern_matches("a.example", ""));
	CHECK_FALSE(pattern_matches("*.", "a"));
}
