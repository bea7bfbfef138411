// check_sender(): the sender domain S of the transaction and its SPF
// result, evaluated on the checker's (validating) resolver.
#include "1dtn/domain.hpp"
#include "1dtn/spf.hpp"
#include "1dtn/trust.hpp"
#include "trust_impl.hpp"

namespace dtn {
namespace {

// An envelope address without its angle brackets, if it has them.
std::string_view bare_address(std::string_view address)
{
	if (address.starts_with('<') && address.ends_with('>'))
		address = address.substr(1, address.size() - 2);
	return address;
}

std::string_view address_domain(std::string_view address)
{
	auto at = address.rfind('@');
	return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

} // namespace

sender_check trust_checker::check_sender(sender_facts const &facts)
{
	auto address = bare_address(facts.mail_from);
	bool null_sender = address.empty();
	std::string_view raw = null_sender ? std::string_view(facts.helo) : address_domain(address);

	sender_check check;
	auto domain = to_a_label(raw);
	if (!domain) {
		check.sender_domain.assign(raw);
		check.spf = spf_result::none;
		check.spf_reason = "no sender domain to check: " + domain.error();
		return check;
	}
	check.sender_domain = *domain;

	spf_request request;
	request.client_ip = facts.client_ip;
	request.domain = *domain;
	request.sender = null_sender ? "postmaster@" + *domain : std::string(address);
	request.helo = facts.helo;
	auto outcome = spf_check(*impl_->dns, request);
	check.spf = outcome.result;
	check.spf_reason = outcome.reason;
	check.dnssec = outcome.dnssec;
	return check;
}

} // namespace dtn
