// DKIM verifications per second on one core: RSA-2048 and Ed25519
// signatures (relaxed/relaxed) over a 2 KB message, and RSA-2048 over
// a 100 KB one, keys served from memory so only parsing, hashing and
// signature checks are timed. Run from the release preset:
//	build/release/test/bench/bench_dkim [seconds per case, default 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "../../lib1dtn/dkim_fixture.hpp"

namespace {

std::string message_with_body(std::size_t body_bytes)
{
	std::string m = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n"
	                "Subject: report\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\n"
	                "Message-ID: <bench@example.org>\r\nMIME-Version: 1.0\r\n\r\n";
	std::string line = "The quarterly numbers  are attached, see the summary below.\r\n";
	while (body_bytes >= line.size()) {
		m += line;
		body_bytes -= line.size();
	}
	return m;
}

void run(char const *label, EVP_PKEY *key, std::string const &algorithm, std::string const &message,
         double seconds)
{
	dkim_test::memory_dns dns;
	dns.txt("sel._domainkey.example.org", {dkim_test::key_record(key)});
	dkim_test::sign_options o;
	o.algorithm = algorithm;
	o.headers = "from:to:subject:date:message-id:mime-version";
	auto signed_message = dkim_test::sign(message, key, o);

	using clock = std::chrono::steady_clock;
	auto start = clock::now();
	auto deadline = start + std::chrono::duration<double>(seconds);
	long count = 0;
	while (clock::now() < deadline) {
		for (int i = 0; i < 20; ++i) {
			auto results = dtn::dkim_verify(signed_message, dns, 1764756000);
			if (results.size() != 1 || results[0].result != dtn::dkim_result::pass) {
				std::fprintf(stderr, "%s: verification failed: %s\n", label,
				             results.empty() ? "no result"
				                             : results[0].reason.c_str());
				std::exit(1);
			}
		}
		count += 20;
	}
	double elapsed = std::chrono::duration<double>(clock::now() - start).count();
	std::printf("%-28s %9.0f verifications/s  (%.1f us each, %zu-byte message)\n", label,
	            count / elapsed, 1e6 * elapsed / static_cast<double>(count),
	            signed_message.size());
}

} // namespace

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
	auto rsa = dkim_test::rsa_key(2048);
	auto ed = dkim_test::ed25519_key();
	auto small = message_with_body(2048);
	auto large = message_with_body(100 * 1024);
	run("rsa-sha256 2048, 2 KB", rsa.get(), "rsa-sha256", small, seconds);
	run("ed25519-sha256, 2 KB", ed.get(), "ed25519-sha256", small, seconds);
	run("rsa-sha256 2048, 100 KB", rsa.get(), "rsa-sha256", large, seconds);
	return 0;
}
