// Feeds arbitrary bytes to the SPF record parser, the macro checks and
// expander, and to spf_check() as the TXT record of every name (all
// other queries find nothing), and checks the invariants callers rely on.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "1dtn/spf.hpp"
#include "1dtn/spf_record.hpp"

namespace {

// Every TXT query answers with the fuzz input; nothing else exists.
class echo_source : public dtn::dns_source {
      public:
	explicit echo_source(std::string_view txt) : txt_(txt) {}

	dtn::dns_answer query(std::string_view, dtn::rr_type type) override
	{
		dtn::dns_answer answer;
		answer.dnssec = dtn::dnssec_state::insecure;
		if (type != dtn::rr_type::txt) {
			answer.status = dtn::dns_status::nxdomain;
			return answer;
		}
		answer.status = dtn::dns_status::ok;
		answer.records.emplace_back(txt_);
		if (++queries_ > 64)
			std::abort(); // the lookup limits must bound the evaluation
		return answer;
	}

      private:
	std::string_view txt_;
	int queries_ = 0;
};

dtn::spf::macro_values sample_values()
{
	dtn::spf::macro_values v;
	v.sender = "strong-bad@email.example.com";
	v.local_part = "strong-bad";
	v.sender_domain = "email.example.com";
	v.domain = "email.example.com";
	v.helo = "mx.example.org";
	v.receiver = "mx.receiver.example";
	v.client = *dtn::spf::parse_client_address("2001:db8::cb01");
	v.validated_name = [] { return std::string("mx.example.com"); };
	return v;
}

void check_macros(std::string_view input)
{
	using dtn::spf::macro_use;
	static auto const values = sample_values();
	for (auto use : {macro_use::domain, macro_use::explanation}) {
		bool valid = dtn::spf::check_macro_string(input, use).has_value();
		auto expanded = dtn::spf::expand_macros(input, values, use);
		// The syntax check and the expander must agree.
		if (valid != expanded.has_value())
			std::abort();
		if (!expanded && expanded.error().empty())
			std::abort();
	}
	auto name = dtn::spf::query_name(input);
	if (dtn::spf::is_queryable(name) && name.size() > 253)
		std::abort();
}

void check_record(std::string_view text)
{
	auto rec = dtn::spf::parse_record(text);
	if (!rec) {
		if (rec.error().empty())
			std::abort();
		return;
	}
	for (auto const &mech : rec->mechanisms) {
		if (!mech.domain_spec.empty() && !dtn::spf::check_domain_spec(mech.domain_spec))
			std::abort();
		if (mech.cidr4 < 0 || mech.cidr4 > 32 || mech.cidr6 < 0 || mech.cidr6 > 128)
			std::abort();
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view input(reinterpret_cast<const char *>(data), size);
	check_macros(input);
	check_record(input);
	// Most inputs lack the version tag: give the term parser a go too.
	std::string record = "v=spf1 " + std::string(input);
	check_record(record);

	echo_source dns(record);
	dtn::spf_request request;
	request.client_ip = size % 2 ? "192.0.2.1" : "2001:db8::1";
	request.sender = "someone@sender.example";
	request.domain = "sender.example";
	request.helo = "mail.sender.example";
	auto out = dtn::spf_check(dns, request);
	if (out.reason.empty())
		std::abort();
	return 0;
}
