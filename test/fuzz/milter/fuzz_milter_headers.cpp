// Hostile header values and envelope addresses as the MTA hands them to
// the milter: reading the authserv-id of an Authentication-Results
// header, parsing a MAIL FROM / RCPT TO argument, and writing our header
// back must never crash, and what we write must stay one header.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "address.hpp"
#include "auth_results.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	auto id = milter::authserv_id_of(text);
	milter::claims_authserv_id(text, "mx.example.net");
	auto box = milter::parse_mailbox(text);
	milter::plausible_domain(box.domain);

	std::vector<milter::auth_result> results{
	        {"x-1dtn",
	         "fail",
	         std::string(text),
	         std::string(text),
	         {{"smtp.mailfrom", box.domain}, {"policy.rcptdomain", std::string(text)}}}};
	auto header = milter::format_auth_results("mx.example.net", results);
	// Folding is "\n\t" only: a bare newline would start a new header.
	for (std::size_t i = 0; i < header.size(); ++i)
		if (header[i] == '\r' || (header[i] == '\n' && header[i + 1] != '\t'))
			__builtin_trap();
	(void)id;
	return 0;
}
