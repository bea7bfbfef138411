// trust_checker's state, shared by the files that implement it.
#pragma once

#include <memory>

#include "1dtn/trust.hpp"
#include "declaration_cache.hpp"

namespace dtn {

struct trust_checker::impl {
	std::shared_ptr<dns_source> dns;
	trust_options options;
	declaration_cache cache;

	impl(std::shared_ptr<dns_source> source, trust_options opts)
	    : dns(std::move(source)), options(opts), cache(opts.cache_entries)
	{}

	declaration_cache::value declaration_of(std::string const &domain, bool *fetched)
	{
		return cache.get(
		        domain,
		        [this](std::string_view name) { return fetch_declaration(*dns, name); },
		        fetched);
	}
};

} // namespace dtn
