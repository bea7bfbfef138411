// Lookalikes of trusted domains: names built to pass for a partner's at
// a glance (confusable letters, one typo, another suffix, the partner's
// name as a sub-domain of somebody else's).
#include <algorithm>

#include "ai/rules.hpp"
#include "ai/domain.hpp"
#include "text.hpp"

namespace ai {
namespace {

struct split_domain {
	std::string label;  // "partner" of "partner.co.jp"
	std::string suffix; // "co.jp"
};

split_domain split_org(std::string const &org)
{
	auto dot = org.find('.');
	if (dot == std::string::npos)
		return {org, {}};
	return {org.substr(0, dot), org.substr(dot + 1)};
}

// How many edits a name of this length may differ by and still be
// taken for the other: none for short names, where one edit makes a
// different word, more for long ones.
std::size_t tolerated_edits(std::size_t length)
{
	return length >= 9 ? 2 : length >= 5 ? 1 : 0;
}

bool imitates(std::string const &host, std::string const &org, std::string const &trusted_org)
{
	auto mine = split_org(org);
	auto theirs = split_org(trusted_org);
	auto mine_skeleton = confusable_skeleton(host_to_unicode(mine.label));
	auto their_skeleton = confusable_skeleton(theirs.label);
	if (theirs.label.size() < 3)
		return false;
	if (mine_skeleton == their_skeleton)
		return true; // same look, other letters or another suffix
	// Compare both the skeletons and the letters as written: "rn" -> 'm'
	// makes "patrner" look further from "partner" than it is.
	std::size_t edits = std::min(edit_distance(mine_skeleton, their_skeleton),
	                             edit_distance(mine.label, theirs.label));
	if (edits <= tolerated_edits(their_skeleton.size()))
		return true;
	// "partner-secure.com", "securepartner.net"
	if (theirs.label.size() >= 5 && mine_skeleton.find(their_skeleton) != std::string::npos)
		return true;
	// "partner.co.jp.login.example": the whole trusted name as a prefix
	return host.starts_with(trusted_org + ".") ||
	       host.find("." + trusted_org + ".") != std::string::npos;
}

} // namespace

std::string imitated_trusted_domain(std::string_view domain,
                                    std::vector<std::string> const &trusted_domains)
{
	auto host = text::lower_ascii(text::trim(domain));
	if (host.empty() || host.size() > 253 || is_ip_literal(host) || trusted_domains.empty())
		return {};
	auto org = org_domain(host);
	std::vector<std::string> trusted_orgs;
	for (auto const &t : trusted_domains) {
		auto t_org = org_domain(text::lower_ascii(text::trim(t)));
		if (t_org.empty())
			continue;
		if (t_org == org)
			return {}; // the partner itself
		trusted_orgs.push_back(std::move(t_org));
	}
	for (auto const &t_org : trusted_orgs)
		if (imitates(host, org, t_org))
			return t_org;
	return {};
}

} // namespace ai
