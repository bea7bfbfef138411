// An in-memory dtn::dns_source for tests and benchmarks: zone data kept
// in a map, CNAME chains followed, and scripted failures (a name whose
// queries time out). Header-only, so test_support itself does not link
// lib1dtn; include it only from targets that do.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "1dtn/dns.hpp"

namespace lab {

class spf_zone : public dtn::dns_source {
      public:
	// Records are kept in the order added; a timeout marker makes a query
	// time out unless a record of the asked type came before it (the
	// convention of the openspf test suite).
	void add(std::string_view name, dtn::rr_type type, std::string data)
	{
		names_[key(name)].push_back(entry{false, type, std::move(data)});
	}
	void add_timeout(std::string_view name)
	{
		names_[key(name)].push_back(entry{true, dtn::rr_type::a, {}});
	}
	// Makes `name` exist with no records (NOERROR, NODATA for any type).
	void add_name(std::string_view name) { names_[key(name)]; }

	// The DNSSEC state answers carry: for every name, or for one name
	// (the name asked, before CNAMEs are followed).
	void set_dnssec(dtn::dnssec_state state) { state_ = state; }
	void set_dnssec(std::string_view name, dtn::dnssec_state state)
	{
		name_states_[key(name)] = state;
	}

	std::size_t queries() const { return queries_.load(); }

	dtn::dns_answer query(std::string_view name, dtn::rr_type type) override
	{
		queries_++;
		std::string current = key(name);
		auto result = resolve(current, type);
		auto state = name_states_.find(current);
		if (state != name_states_.end() && result.status != dtn::dns_status::timeout)
			result.dnssec = state->second;
		if (result.dnssec == dtn::dnssec_state::bogus) {
			result.status = dtn::dns_status::bogus;
			result.records.clear();
			result.why_bogus = "signature expired (test zone)";
		}
		return result;
	}

	static std::string key(std::string_view name)
	{
		if (!name.empty() && name.back() == '.')
			name.remove_suffix(1);
		std::string out(name);
		for (auto &c : out) {
			if (c >= 'A' && c <= 'Z')
				c = static_cast<char>(c - 'A' + 'a');
		}
		return out;
	}

      private:
	struct entry {
		bool timeout;
		dtn::rr_type type;
		std::string data;
	};

	dtn::dns_answer resolve(std::string current, dtn::rr_type type) const
	{
		for (int hop = 0; hop < 8; hop++) {
			auto found = names_.find(current);
			if (found == names_.end())
				return answer(dtn::dns_status::nxdomain);
			auto alias = cname_of(found->second);
			if (alias.empty() || type == dtn::rr_type::cname)
				return collect(found->second, type);
			current = key(alias);
		}
		return answer(dtn::dns_status::servfail); // a CNAME loop
	}

	dtn::dns_answer answer(dtn::dns_status status) const
	{
		dtn::dns_answer a;
		a.status = status;
		a.dnssec = status == dtn::dns_status::timeout ? dtn::dnssec_state::indeterminate
		                                              : state_;
		a.ttl = 300;
		return a;
	}

	static std::string cname_of(std::vector<entry> const &entries)
	{
		for (auto const &e : entries) {
			if (!e.timeout && e.type == dtn::rr_type::cname)
				return e.data;
		}
		return {};
	}

	dtn::dns_answer collect(std::vector<entry> const &entries, dtn::rr_type type) const
	{
		auto out = answer(dtn::dns_status::ok);
		for (auto const &e : entries) {
			if (e.timeout) {
				if (out.records.empty())
					return answer(dtn::dns_status::timeout);
				break;
			}
			if (e.type == type)
				out.records.push_back(e.data);
		}
		if (out.records.empty())
			out.status = dtn::dns_status::nodata;
		return out;
	}

	std::map<std::string, std::vector<entry>> names_;
	std::map<std::string, dtn::dnssec_state> name_states_;
	dtn::dnssec_state state_ = dtn::dnssec_state::insecure;
	std::atomic<std::size_t> queries_{0};
};

} // namespace lab
