// The validating resolver: a dns_source on libunbound.
//
// One libunbound context serves every thread. Queries are started with
// ub_resolve_async() and each caller waits on the context's file
// descriptor until its own answer arrives or its deadline passes; the
// context itself is guarded by one mutex, held only while libunbound
// is called (never while waiting), so slow answers do not serialise
// callers.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "1dtn/dns.hpp"

namespace dtn {

struct resolver_options {
	// DNSKEY or DS lines in zone-file format. Empty: no file.
	std::string trust_anchor_file = "/usr/share/dns/root.key";
	std::vector<std::string> trust_anchors; // extra anchors, one RR each
	// Send every query to these recursive resolvers ("192.0.2.1",
	// "192.0.2.1@5353") instead of recursing from the root.
	std::vector<std::string> forwarders;
	// Authoritative servers for one zone each: {zone, "ip@port"}.
	std::vector<std::pair<std::string, std::string>> stub_zones;
	// Further libunbound "server:" options, e.g. {"local-zone:", "test. nodefault"}.
	std::vector<std::pair<std::string, std::string>> unbound_options;
	std::chrono::milliseconds timeout{5000}; // for one query
	bool allow_loopback_servers = false;     // needed for servers on 127.0.0.1
};

class unbound_resolver final : public dns_source {
      public:
	// Builds and configures the context; fails with the option that
	// libunbound rejected.
	static tl::expected<std::shared_ptr<unbound_resolver>, std::string>
	create(resolver_options const &options);

	~unbound_resolver() override;
	unbound_resolver(unbound_resolver const &) = delete;
	unbound_resolver &operator=(unbound_resolver const &) = delete;

	dns_answer query(std::string_view name, rr_type type) override;

	struct context;

      private:
	explicit unbound_resolver(std::unique_ptr<context> ctx);
	std::unique_ptr<context> ctx_;
};

} // namespace dtn
