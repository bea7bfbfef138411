// The 1dtn tool against the NSD lab: exit codes and explanations.
#include <doctest/doctest.h>

#include "dns_lab.hpp"
#include "lab.hpp"

namespace {

lab::dns_lab &shared_dns()
{
	static lab::dns_lab dns;
	static bool const started = [] {
		dns.add_zone(
		        "me.example",
		        {lab::txt_record("_1dtn", "v=1dtn1; trust=partner.example, "
		                                  "bad.example, plain.example, broken.example")});
		dns.add_zone("partner.example",
		             {lab::txt_record("_1dtn", "v=1dtn1; trust=me.example"),
		              "@ TXT \"v=spf1 ip4:192.0.2.10 -all\""});
		dns.add_zone("bad.example",
		             {lab::txt_record("_1dtn", "v=1dtn1; trust=me..example; auth=maybe; "
		                                       "trust=me.example")});
		dns.add_zone("plain.example",
		             {lab::txt_record("_1dtn", "v=1dtn1; trust=me.example; auth=none")},
		             lab::zone_security::unsigned_zone);
		dns.add_zone("broken.example", {lab::txt_record("_1dtn", "v=1dtn1")},
		             lab::zone_security::broken_signature);
		dns.start();
		return true;
	}();
	(void)started;
	return dns;
}

struct run_result {
	int code = -1;
	std::string output;
};

run_result run_tool(std::string const &arguments, bool with_dns = true)
{
	std::string command = (lab::binary_dir() / "lib1dtn" / "1dtn").string() + " " + arguments;
	if (with_dns) {
		auto options = shared_dns().resolver_options();
		command += " --anchor " + options.trust_anchor_file + " --timeout 1500";
		for (auto const &[zone, server] : options.stub_zones)
			command += " --stub " + zone + "=" + server;
	}
	run_result result;
	result.output = lab::capture(command + " 2>&1", &result.code);
	return result;
}

} // namespace

TEST_CASE("1dtn check exits 0 on pass and explains the lookups")
{
	auto r = run_tool("check partner.example me.example --ip 192.0.2.10");
	CHECK_MESSAGE(r.code == 0, r.output);
	CHECK(r.output.find("_1dtn.partner.example TXT: ok, secure") != std::string::npos);
	CHECK(r.output.find("SPF for partner.example from 192.0.2.10: pass") != std::string::npos);
	CHECK(r.output.find("result: pass") != std::string::npos);
}

TEST_CASE("1dtn check exits 1 on fail, 2 on temperror, 3 on permerror")
{
	auto spf_fail = run_tool("check partner.example me.example --ip 192.0.2.99");
	CHECK_MESSAGE(spf_fail.code == 1, spf_fail.output);
	auto missing = run_tool("check nobody.example me.example");
	CHECK_MESSAGE(missing.code == 1, missing.output);
	CHECK(missing.output.find("nobody.example publishes no 1DTN declaration") !=
	      std::string::npos);
	auto bogus = run_tool("check broken.example me.example");
	CHECK_MESSAGE(bogus.code == 2, bogus.output);
	auto malformed = run_tool("check bad.example me.example");
	CHECK_MESSAGE(malformed.code == 3, malformed.output);
}

TEST_CASE("1dtn check reports insecure and weak declarations, and can refuse them")
{
	auto weak = run_tool("check plain.example me.example");
	CHECK_MESSAGE(weak.code == 0, weak.output);
	CHECK(weak.output.find("insecure") != std::string::npos);
	CHECK(weak.output.find("auth=none") != std::string::npos);
	CHECK(run_tool("check plain.example me.example --no-insecure").code == 1);
}

TEST_CASE("1dtn lint lists every problem")
{
	auto bad = run_tool("lint bad.example");
	CHECK(bad.code == 1);
	CHECK(bad.output.find("'me..example'") != std::string::npos);
	CHECK(bad.output.find("'maybe'") != std::string::npos);
	CHECK(bad.output.find("'trust' appears more than once") != std::string::npos);
	CHECK(bad.output.find("3 error(s)") != std::string::npos);

	auto good = run_tool("lint partner.example");
	CHECK_MESSAGE(good.code == 0, good.output);
	CHECK(good.output.find("no errors") != std::string::npos);

	auto weak = run_tool("lint plain.example");
	CHECK(weak.code == 0);
	CHECK(weak.output.find("warning: the answer is not DNSSEC-signed") != std::string::npos);
	CHECK(run_tool("lint nobody.example").code == 1);
	CHECK(run_tool("lint broken.example").code == 2);
}

TEST_CASE("1dtn record prints a zone-file line split into 255-octet strings")
{
	auto short_record =
	        run_tool("record --trust partner.example,*.Supplier.example --auth spf", false);
	CHECK(short_record.code == 0);
	CHECK(short_record.output ==
	      "_1dtn\tIN\tTXT\t\"v=1dtn1; trust=partner.example,*.supplier.example; auth=spf\"\n");

	std::string many;
	for (int i = 0; i < 30; ++i)
		many += (i ? "," : "") + std::string("partner") + std::to_string(i) + ".example";
	auto long_record = run_tool("record --domain me.example --trust " + many, false);
	CHECK(long_record.code == 0);
	CHECK(long_record.output.starts_with("_1dtn.me.example.\tIN\tTXT\t\""));
	CHECK(long_record.output.find("\" \"") != std::string::npos);

	auto idn = run_tool("record --trust bücher.example", false);
	CHECK(idn.output.find("xn--bcher-kva.example") != std::string::npos);
	CHECK(run_tool("record --trust a..example", false).code == 3);
	CHECK(run_tool("record", false).code == 64);
}
