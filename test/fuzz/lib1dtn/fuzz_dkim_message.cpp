// Feeds arbitrary messages to dkim_verify with every key lookup answered
// by the RFC 8463 keys, so that splitting, canonicalization, header
// selection and both signature algorithms run on hostile input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "1dtn/dkim.hpp"

namespace {

class fixed_keys : public dtn::dns_source {
      public:
	dtn::dns_answer query(std::string_view name, dtn::rr_type) override
	{
		dtn::dns_answer a;
		a.status = dtn::dns_status::ok;
		a.dnssec = dtn::dnssec_state::secure;
		if (name.rfind("brisbane.", 0) == 0)
			a.records = {"v=DKIM1; k=ed25519; "
			             "p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="};
		else
			a.records = {
			        "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQ"
			        "oBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3"
			        "W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9Pzox"
			        "ZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"};
		return a;
	}
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view message(reinterpret_cast<const char *>(data), size);
	fixed_keys dns;
	dtn::dkim_limits limits;
	auto results = dtn::dkim_verify(message, dns, 1764756000, limits);
	for (auto const &r : results) {
		if (r.reason.empty())
			std::abort();
		if (r.result == dtn::dkim_result::pass && (r.domain.empty() || r.selector.empty()))
			std::abort();
		(void)dtn::dkim_authres(r);
	}
	(void)dtn::to_dkim_check(results, "football.example.com");
	return 0;
}
