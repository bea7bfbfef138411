#include "1dtn/declaration.hpp"

#include <algorithm>

#include "1dtn/domain.hpp"
#include "1dtn/pattern.hpp"

namespace dtn {
namespace {

int rank(dnssec_state state)
{
	switch (state) {
	case dnssec_state::bogus:
		return 0;
	case dnssec_state::indeterminate:
		return 1;
	case dnssec_state::insecure:
		return 2;
	case dnssec_state::secure:
		return 3;
	}
	return 0;
}

// What one lookup at _1dtn.NAME gave.
struct fetched {
	declaration::state status = declaration::state::temperror;
	record rec;
	std::string text;   // the record used
	std::string reason; // why it is missing or an error
};

std::string owner(std::string_view name)
{
	return "_1dtn." + std::string(name);
}

std::string failure_reason(std::string const &name, dns_answer const &answer)
{
	switch (answer.status) {
	case dns_status::timeout:
		return "lookup of " + name + " timed out";
	case dns_status::bogus:
		return "DNSSEC validation of " + name + " failed (bogus): " + answer.why_bogus;
	case dns_status::nxdomain:
		return name + " does not exist";
	case dns_status::nodata:
		return name + " has no TXT record";
	default:
		return "lookup of " + name + " failed (SERVFAIL)";
	}
}

fetched classify(std::string const &name, dns_answer const &answer)
{
	fetched out;
	if (answer.status == dns_status::nxdomain || answer.status == dns_status::nodata) {
		out.status = declaration::state::missing;
		out.reason = failure_reason(name, answer);
		return out;
	}
	if (answer.status != dns_status::ok) {
		out.status = declaration::state::temperror;
		out.reason = failure_reason(name, answer);
		return out;
	}
	auto selected = select_record(answer.records);
	if (!selected) {
		out.status = declaration::state::permerror;
		out.reason = name + " has " + selected.error();
		return out;
	}
	if (!*selected) {
		out.status = declaration::state::missing;
		out.reason = name + " has no 1DTN record";
		return out;
	}
	out.text = **selected;
	auto parsed = parse_record(out.text);
	if (!parsed) {
		out.status = declaration::state::permerror;
		out.reason = "malformed record at " + name + ": " + parsed.error();
		return out;
	}
	out.status = declaration::state::found;
	out.rec = std::move(*parsed);
	return out;
}

// Performs one lookup and records it as a step of the declaration.
class walker {
      public:
	walker(dns_source &dns, declaration &decl) : dns_(dns), decl_(decl) {}

	fetched lookup(std::string_view domain)
	{
		auto name = owner(domain);
		auto answer = dns_.query(name, rr_type::txt);
		auto result = classify(name, answer);
		decl_.dnssec = used_ ? weaker(decl_.dnssec, answer.dnssec) : answer.dnssec;
		decl_.ttl = used_ ? std::min(decl_.ttl, answer.ttl) : answer.ttl;
		used_ = true;
		decl_.steps.push_back(lookup_step{
		        name, answer.status, answer.dnssec,
		        result.status == declaration::state::found ? result.text : result.reason});
		return result;
	}

	// Merges the includes of `rec` (found at path.back()) depth-first.
	bool expand(record const &rec, std::vector<std::string> &path, int &lookups)
	{
		for (auto const &target : rec.includes) {
			if (std::find(path.begin(), path.end(), target) != path.end())
				return fail(declaration::state::permerror,
				            "include loop: " + describe(path) + " -> " + target);
			if (++lookups > max_declaration_lookups)
				return fail(declaration::state::permerror,
				            "more than " + std::to_string(max_declaration_lookups) +
				                    " lookups (include limit) at " + target);
			auto found = lookup(target);
			if (found.status == declaration::state::missing)
				return fail(declaration::state::permerror,
				            "included " + target + " has no 1DTN record (" +
				                    found.reason + ")");
			if (found.status != declaration::state::found)
				return fail(found.status,
				            "include " + target + ": " + found.reason);
			decl_.patterns.insert(decl_.patterns.end(), found.rec.trust.begin(),
			                      found.rec.trust.end());
			path.push_back(target);
			bool ok = expand(found.rec, path, lookups);
			path.pop_back();
			if (!ok)
				return false;
		}
		return true;
	}

	bool fail(declaration::state status, std::string reason)
	{
		decl_.status = status;
		decl_.reason = std::move(reason);
		decl_.patterns.clear();
		return false;
	}

      private:
	static std::string describe(std::vector<std::string> const &path)
	{
		std::string text;
		for (auto const &name : path)
			text += (text.empty() ? "" : " -> ") + name;
		return text;
	}

	dns_source &dns_;
	declaration &decl_;
	bool used_ = false;
};

} // namespace

namespace {

// pattern_matches() for names already normalised by to_a_label() (lower
// case, no trailing dot), as stored patterns and decide()'s names are:
// plain comparisons, no case folding, on the path of every cached decision.
bool normalised_match(std::string_view pattern, std::string_view name)
{
	if (!pattern.starts_with("*."))
		return pattern == name;
	auto parent = pattern.substr(1); // ".d"
	return name.size() > parent.size() && name.ends_with(parent);
}

} // namespace

bool declaration::trusts(std::string_view other) const
{
	bool normalised = std::none_of(other.begin(), other.end(),
	                               [](char c) { return c >= 'A' && c <= 'Z'; }) &&
	                  !other.ends_with('.');
	return std::any_of(patterns.begin(), patterns.end(), [&](std::string const &pattern) {
		return normalised ? normalised_match(pattern, other)
		                  : pattern_matches(pattern, other);
	});
}

std::string_view to_string(declaration::state state)
{
	switch (state) {
	case declaration::state::found:
		return "found";
	case declaration::state::missing:
		return "missing";
	case declaration::state::temperror:
		return "temperror";
	case declaration::state::permerror:
		return "permerror";
	}
	return "unknown";
}

dnssec_state weaker(dnssec_state a, dnssec_state b)
{
	return rank(a) <= rank(b) ? a : b;
}

declaration fetch_declaration(dns_source &dns, std::string_view domain)
{
	declaration decl;
	decl.domain.assign(domain);
	walker walk(dns, decl);

	auto found = walk.lookup(domain);
	decl.found_at = decl.domain;
	if (found.status == declaration::state::missing) {
		auto org = organizational_domain(domain);
		if (org != decl.domain) {
			found = walk.lookup(org);
			decl.found_at = org;
		}
	}
	if (found.status != declaration::state::found) {
		decl.status = found.status;
		decl.reason = found.reason;
		if (found.status == declaration::state::missing)
			decl.found_at.clear();
		return decl;
	}

	decl.status = declaration::state::found;
	decl.auth = found.rec.auth;
	decl.patterns = found.rec.trust;
	decl.reason = "declaration found at " + owner(decl.found_at);
	std::vector<std::string> path{decl.found_at};
	int lookups = 1;
	walk.expand(found.rec, path, lookups);
	return decl;
}

} // namespace dtn
