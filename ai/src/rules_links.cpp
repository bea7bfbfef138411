// Link rules: where a message's links really go, against what their
// text shows and against the domains the recipient trusts.
#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "ai/rules.hpp"
#include "ai/domain.hpp"
#include "text.hpp"

namespace ai {
namespace {

// A hostile message may carry thousands of links; the first ones are
// enough to judge it and keep scoring time bounded.
constexpr std::size_t max_links_examined = 300;

constexpr std::array shorteners{
        "bit.ly",  "bitly.com",  "tinyurl.com", "t.co",        "goo.gl",   "ow.ly",   "is.gd",
        "buff.ly", "rebrand.ly", "cutt.ly",     "shorturl.at", "rb.gy",    "t.ly",    "tiny.cc",
        "bit.do",  "s.id",       "v.gd",        "x.co",        "lnkd.in",  "qrco.de", "shorte.st",
        "adf.ly",  "tiny.pl",    "urlz.fr",     "soo.gd",      "clck.ru",  "u.to",    "rotf.lol",
        "surl.li", "n9.cl",      "t1p.de",      "0rz.tw",      "ux.nu",    "kutt.it", "shrtco.de",
        "y2u.be",  "linktr.ee",  "tinu.be",     "did.li",      "1url.com", "tr.im",   "po.st"};

bool is_shortener(std::string_view org)
{
	return std::find(shorteners.begin(), shorteners.end(), org) != shorteners.end();
}

bool host_char(char c)
{
	return text::is_alpha(c) || text::is_digit(c) || c == '.' || c == '-' ||
	       static_cast<unsigned char>(c) >= 0x80;
}

// The domain a link's visible text shows, if it shows one: a URL, an
// address, or a bare name with a real suffix ("www.bank.example").
std::string domain_shown(std::string_view shown)
{
	shown = text::trim(shown);
	if (shown.empty() || shown.size() > 300)
		return {};
	auto lowered = text::lower_ascii(shown);
	for (std::size_t pos = 0; pos < lowered.size();) {
		if (!host_char(lowered[pos])) {
			++pos;
			continue;
		}
		std::size_t end = pos;
		while (end < lowered.size() && host_char(lowered[end]))
			++end;
		std::string_view token(lowered.data() + pos, end - pos);
		while (!token.empty() && (token.back() == '.' || token.back() == '-'))
			token.remove_suffix(1);
		while (!token.empty() && (token.front() == '.' || token.front() == '-'))
			token.remove_prefix(1);
		bool dotted = token.find('.') != std::string_view::npos;
		if (dotted && !is_ip_literal(token) && has_known_suffix(token))
			return std::string(token);
		pos = end;
	}
	return {};
}

bool is_web_url(std::string_view url)
{
	auto lowered = text::lower_ascii(text::trim(url).substr(0, 8));
	return lowered.starts_with("http:") || lowered.starts_with("https:") ||
	       lowered.starts_with("www.");
}

// One finding per rule id: the first detail, and how many links did it.
class findings {
      public:
	void add(std::string const &rule, std::string detail, double strength = 1.0)
	{
		auto [it, fresh] = seen_.try_emplace(rule, out_.size());
		if (fresh) {
			out_.push_back({rule, std::move(detail), strength});
			counts_.push_back(1);
			return;
		}
		auto &s = out_[it->second];
		s.strength = std::max(s.strength, strength);
		++counts_[it->second];
	}

	std::vector<signal> take()
	{
		for (std::size_t i = 0; i < out_.size(); ++i)
			if (counts_[i] > 1)
				out_[i].detail +=
				        " (and " + std::to_string(counts_[i] - 1) + " more)";
		return std::move(out_);
	}

      private:
	std::map<std::string, std::size_t, std::less<>> seen_;
	std::vector<signal> out_;
	std::vector<std::size_t> counts_;
};

void check_text_against_target(link const &l, std::string const &host, findings &out)
{
	auto shown = domain_shown(l.text);
	if (shown.empty())
		return;
	auto shown_org = org_domain(shown);
	auto target_org = is_ip_literal(host) ? host : org_domain(host);
	if (shown_org.empty() || target_org.empty() || shown_org == target_org)
		return;
	out.add("link.text_domain_mismatch", "link text shows " + shown + " but goes to " + host);
}

void check_host(std::string const &url, std::string const &host,
                std::vector<std::string> const &trusted, findings &out)
{
	if (is_ip_literal(host)) {
		out.add("link.ip_literal", "link to an IP address: " + host);
		return;
	}
	auto org = org_domain(host);
	if (is_shortener(org))
		out.add("link.shortener", "shortened link via " + org);
	if (has_punycode_label(host))
		out.add("link.punycode",
		        "punycode host " + host + " (" + host_to_unicode(host) + ")");
	auto shown = host_to_unicode(host);
	for (std::size_t start = 0; start < shown.size();) {
		auto dot = shown.find('.', start);
		auto label = std::string_view(shown).substr(
		        start, dot == std::string::npos ? dot : dot - start);
		if (looks_like_homograph(label)) {
			out.add("link.homograph", "host " + shown + " mixes look-alike scripts");
			break;
		}
		if (dot == std::string::npos)
			break;
		start = dot + 1;
	}
	if (url_has_userinfo(url) && is_web_url(url))
		out.add("link.userinfo", "link hides its host after an '@': " + host);
	if (auto imitated = imitated_trusted_domain(host, trusted); !imitated.empty())
		out.add("link.lookalike_trusted",
		        "link host " + host + " imitates trusted " + imitated);
}

} // namespace

std::vector<signal> link_signals(parsed_message const &msg, rule_context const &ctx)
{
	findings out;
	std::size_t examined = 0;
	for (auto const &l : msg.links) {
		if (++examined > max_links_examined)
			break;
		auto host = url_host(l.url);
		if (host.empty())
			continue;
		auto lowered = text::lower_ascii(text::trim(l.url).substr(0, 12));
		bool mail = lowered.starts_with("mailto:");
		if (!mail && !lowered.starts_with("http") && !lowered.starts_with("www.") &&
		    !lowered.starts_with("ftp"))
			continue;
		check_text_against_target(l, host, out);
		if (!mail)
			check_host(l.url, host, ctx.trusted_domains, out);
	}
	return out.take();
}

} // namespace ai
