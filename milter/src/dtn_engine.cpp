#include "dtn_engine.hpp"

#include <1dtn/resolver.hpp>
#include <1dtn/trust.hpp>

namespace milter {
namespace {

// lib1dtn's decision on the shared validating resolver. trust_checker
// is thread-safe and caches declarations; this only forwards.
class dtn_engine final : public trust_engine {
      public:
	dtn_engine(std::shared_ptr<dtn::dns_source> dns, dtn::trust_options options)
	    : checker_(std::move(dns), options)
	{}

	dtn::sender_check check_sender(dtn::sender_facts const &facts) override
	{
		return checker_.check_sender(facts);
	}

	dtn::decision decide(dtn::sender_check const &sender, std::string_view recipient_domain,
	                     std::optional<dtn::dkim_check> const &dkim) override
	{
		return checker_.decide(sender, recipient_domain, dkim);
	}

      private:
	dtn::trust_checker checker_;
};

bool is_loopback(std::string const &address)
{
	return address.starts_with("127.") || address == "::1";
}

dtn::resolver_options resolver_settings(config const &cfg)
{
	dtn::resolver_options options;
	options.trust_anchor_file = cfg.trust_anchor_file;
	options.timeout = std::chrono::seconds(cfg.dns_timeout_seconds);
	for (auto const &f : cfg.forwarders) {
		options.forwarders.push_back(f.address + "@" + std::to_string(f.port));
		// A local caching resolver is the common case for forwarding.
		if (is_loopback(f.address))
			options.allow_loopback_servers = true;
	}
	// A mail filter must notice quickly when DNS is back: keep probing
	// servers that timed out instead of shunning them for minutes.
	options.unbound_options = {{"infra-keep-probing:", "yes"}, {"infra-host-ttl:", "30"}};
	return options;
}

} // namespace

tl::expected<std::shared_ptr<trust_engine>, std::string> make_dtn_engine(config const &cfg)
{
	auto resolver = dtn::unbound_resolver::create(resolver_settings(cfg));
	if (!resolver)
		return tl::unexpected("resolver: " + resolver.error());
	dtn::trust_options options;
	options.allow_insecure = cfg.allow_insecure;
	options.cache_entries = cfg.cache_entries;
	return std::make_shared<dtn_engine>(std::move(*resolver), options);
}

} // namespace milter
