// The openspf RFC 7208 test suite (release 2014.04), read in place from
// the shared folder: every scenario's zone data is served by an in-memory
// DNS and every case must give one of its allowed results (and, where
// the suite names one, the explanation).
#include <doctest/doctest.h>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "1dtn/spf.hpp"
#include "lab.hpp"
#include "spf_zone.hpp"

namespace {

namespace fs = std::filesystem;

fs::path suite_path()
{
	return lab::shared_dir() / "testsuites/spf/rfc7208-tests.yml";
}

bool suite_present()
{
	std::error_code ec;
	return fs::is_regular_file(suite_path(), ec);
}

// TXT and SPF data: one string, or a list of character-strings that DNS
// joins with nothing between them.
std::string joined_strings(YAML::Node const &value)
{
	if (!value.IsSequence())
		return value.as<std::string>();
	std::string out;
	for (auto const &piece : value)
		out += piece.as<std::string>();
	return out;
}

std::string target_name(std::string const &name)
{
	return lab::spf_zone::key(name);
}

// Loads one scenario's zonedata. As the suite's own drivers do, SPF
// (type 99) records are served as TXT when the name has no TXT entry,
// and "NONE" stands for no record of that type.
void load_zone(YAML::Node const &zonedata, lab::spf_zone &zone)
{
	for (auto const &name_node : zonedata) {
		auto name = name_node.first.as<std::string>();
		zone.add_name(name);
		bool has_txt = false;
		std::vector<std::string> spf;
		for (auto const &item : name_node.second) {
			if (item.IsScalar()) { // TIMEOUT
				zone.add_timeout(name);
				continue;
			}
			for (auto const &rr : item) {
				auto type = rr.first.as<std::string>();
				auto const &value = rr.second;
				if (type == "TXT")
					has_txt = true;
				if (value.IsScalar() && value.as<std::string>() == "NONE")
					continue;
				if (type == "SPF")
					spf.push_back(joined_strings(value));
				else if (type == "TXT")
					zone.add(name, dtn::rr_type::txt, joined_strings(value));
				else if (type == "A")
					zone.add(name, dtn::rr_type::a, value.as<std::string>());
				else if (type == "AAAA")
					zone.add(name, dtn::rr_type::aaaa, value.as<std::string>());
				else if (type == "PTR")
					zone.add(name, dtn::rr_type::ptr,
					         target_name(value.as<std::string>()));
				else if (type == "CNAME")
					zone.add(name, dtn::rr_type::cname,
					         target_name(value.as<std::string>()));
				else if (type == "MX")
					zone.add(name, dtn::rr_type::mx,
					         target_name(value[1].as<std::string>()));
				else
					FAIL("unknown record type " << type << " at " << name);
			}
		}
		if (!has_txt) {
			for (auto &record : spf)
				zone.add(name, dtn::rr_type::txt, std::move(record));
		}
	}
}

std::vector<std::string> allowed_results(YAML::Node const &result)
{
	std::vector<std::string> out;
	if (result.IsSequence()) {
		for (auto const &r : result)
			out.push_back(r.as<std::string>());
	} else {
		out.push_back(result.as<std::string>());
	}
	return out;
}

// The request an MTA would make: the MAIL FROM domain, or the HELO name
// (as postmaster@HELO) for the null sender.
dtn::spf_request request_for(YAML::Node const &test)
{
	dtn::spf_request req;
	req.client_ip = test["host"].as<std::string>();
	req.helo = test["helo"].as<std::string>();
	auto mailfrom = test["mailfrom"].as<std::string>();
	req.sender = mailfrom.empty() ? "postmaster@" + req.helo : mailfrom;
	req.domain = req.sender.substr(req.sender.rfind('@') + 1);
	return req;
}

struct tally {
	int total = 0;
	int passed = 0;
};

void run_case(std::string const &name, YAML::Node const &test, lab::spf_zone &zone, tally &t)
{
	t.total++;
	auto got = dtn::spf_check(zone, request_for(test));
	auto allowed = allowed_results(test["result"]);
	auto got_name = std::string(dtn::to_string(got.result));
	bool ok = std::find(allowed.begin(), allowed.end(), got_name) != allowed.end();
	std::string expected;
	for (auto const &a : allowed)
		expected += (expected.empty() ? "" : "|") + a;
	CHECK_MESSAGE(ok, name << ": got " << got_name << " (" << got.reason << "), expected "
	                       << expected);

	auto explanation = test["explanation"];
	bool explanation_ok = true;
	if (ok && explanation && got.result == dtn::spf_result::fail) {
		auto want = explanation.as<std::string>();
		if (want == "DEFAULT")
			want.clear(); // no exp= applied
		explanation_ok = got.explanation == want;
		CHECK_MESSAGE(explanation_ok, name << ": explanation \"" << got.explanation
		                                   << "\", expected \"" << want << "\"");
	}
	if (ok && explanation_ok)
		t.passed++;
}

} // namespace

TEST_CASE("RFC 7208 suite: the suite file is found or its absence reported")
{
	if (!suite_present()) {
		MESSAGE("SPF test suite not found at " << suite_path().string()
		                                       << ": the RFC 7208 cases are SKIPPED");
		WARN_MESSAGE(false, "RFC 7208 suite skipped: file absent");
		return;
	}
	MESSAGE("SPF test suite: " << suite_path().string());
	CHECK(fs::file_size(suite_path()) > 0);
}

TEST_CASE("RFC 7208 suite: every case gives an allowed result" * doctest::skip(!suite_present()))
{
	auto documents = YAML::LoadAllFromFile(suite_path().string());
	REQUIRE_FALSE(documents.empty());
	tally t;
	for (auto const &doc : documents) {
		lab::spf_zone zone;
		load_zone(doc["zonedata"], zone);
		for (auto const &test : doc["tests"])
			run_case(test.first.as<std::string>(), test.second, zone, t);
	}
	MESSAGE("RFC 7208 suite: " << t.passed << " of " << t.total << " cases passed");
	CHECK_MESSAGE(t.total == 203, "the 2014.04 suite has 203 cases, read " << t.total);
	CHECK(t.passed == t.total);
}
