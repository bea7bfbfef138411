// DKIM tag lists, DKIM-Signature values and key records: strict
// parsers for text that comes straight from hostile mail and DNS.
#include "1dtn/dkim.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace dtn {
namespace {

bool is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

// VALCHAR of RFC 6376: printable ASCII except ";".
bool is_valchar(char c)
{
	auto u = static_cast<unsigned char>(c);
	return u >= 0x21 && u <= 0x7e && c != ';';
}

std::string_view trim(std::string_view s)
{
	while (!s.empty() && is_fws(s.front()))
		s.remove_prefix(1);
	while (!s.empty() && is_fws(s.back()))
		s.remove_suffix(1);
	return s;
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (auto &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

bool iequals(std::string_view a, std::string_view b)
{
	return a.size() == b.size() && lower(a) == lower(b);
}

std::string strip_fws(std::string_view s)
{
	std::string out;
	out.reserve(s.size());
	for (char c : s)
		if (!is_fws(c))
			out.push_back(c);
	return out;
}

// Splits on `sep`, trimming each element; empty elements are kept.
std::vector<std::string_view> split(std::string_view s, char sep)
{
	std::vector<std::string_view> out;
	for (;;) {
		auto at = s.find(sep);
		out.push_back(trim(s.substr(0, at)));
		if (at == std::string_view::npos)
			return out;
		s.remove_prefix(at + 1);
	}
}

int base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

// Strict base64 (RFC 4648, padded); white space is ignored as FWS.
tl::expected<std::vector<unsigned char>, std::string> base64_decode(std::string_view text)
{
	std::string s = strip_fws(text);
	if (s.size() % 4 != 0)
		return tl::unexpected(std::string("base64 length is not a multiple of 4"));
	std::size_t pad = 0;
	while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=')
		++pad;
	std::vector<unsigned char> out;
	out.reserve(s.size() / 4 * 3);
	std::uint32_t acc = 0;
	for (std::size_t i = 0; i < s.size() - pad; ++i) {
		int v = base64_value(s[i]);
		if (v < 0)
			return tl::unexpected("invalid base64 character at offset " +
			                      std::to_string(i));
		acc = (acc << 6) | static_cast<std::uint32_t>(v);
		if (i % 4 == 3) {
			out.push_back(static_cast<unsigned char>(acc >> 16));
			out.push_back(static_cast<unsigned char>(acc >> 8));
			out.push_back(static_cast<unsigned char>(acc));
			acc = 0;
		}
	}
	if (pad == 1) {
		out.push_back(static_cast<unsigned char>(acc >> 10));
		out.push_back(static_cast<unsigned char>(acc >> 2));
	} else if (pad == 2) {
		out.push_back(static_cast<unsigned char>(acc >> 4));
	}
	return out;
}

// sub-domain of RFC 5321 (Let-dig [Ldh-str]); `underscore` admits "_",
// which real selectors use although the grammar does not.
bool valid_label(std::string_view label, bool underscore)
{
	if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
		return false;
	return std::all_of(label.begin(), label.end(), [&](char c) {
		return is_alpha(c) || is_digit(c) || c == '-' || (underscore && c == '_');
	});
}

bool valid_dotted(std::string_view name, bool underscore, std::size_t min_labels)
{
	if (name.empty() || name.size() > 253)
		return false;
	std::size_t labels = 0;
	for (;;) {
		auto dot = name.find('.');
		if (!valid_label(name.substr(0, dot), underscore))
			return false;
		++labels;
		if (dot == std::string_view::npos)
			return labels >= min_labels;
		name.remove_prefix(dot + 1);
	}
}

// A header field name: ftext of RFC 5322.
bool valid_field_name(std::string_view name)
{
	return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
		auto u = static_cast<unsigned char>(c);
		return u >= 33 && u <= 126 && c != ':';
	});
}

template <class Int>
tl::expected<Int, std::string> parse_number(std::string_view tag, std::string_view text,
                                            std::size_t max_digits)
{
	if (text.empty() || text.size() > max_digits ||
	    !std::all_of(text.begin(), text.end(), is_digit))
		return tl::unexpected(std::string(tag) + "= is not a number of at most " +
		                      std::to_string(max_digits) + " digits");
	Int value{};
	auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
	if (ec != std::errc() || end != text.data() + text.size())
		return tl::unexpected(std::string(tag) + "= is out of range");
	return value;
}

class tag_map {
      public:
	explicit tag_map(std::vector<dkim_tag> tags) : tags_(std::move(tags)) {}

	std::optional<std::string_view> get(std::string_view name) const
	{
		for (auto const &tag : tags_)
			if (tag.name == name)
				return tag.value;
		return std::nullopt;
	}

	std::vector<dkim_tag> const &all() const { return tags_; }

      private:
	std::vector<dkim_tag> tags_;
};

tl::expected<dkim_tag, std::string> parse_tag_spec(std::string_view spec)
{
	auto eq = spec.find('=');
	if (eq == std::string_view::npos)
		return tl::unexpected("tag \"" + std::string(trim(spec).substr(0, 32)) +
		                      "\" has no '='");
	auto name = trim(spec.substr(0, eq));
	if (name.empty() || !is_alpha(name.front()) ||
	    !std::all_of(name.begin(), name.end(),
	                 [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; }))
		return tl::unexpected("invalid tag name \"" + std::string(name.substr(0, 32)) +
		                      "\"");
	auto value = trim(spec.substr(eq + 1));
	for (std::size_t i = 0; i < value.size(); ++i)
		if (!is_valchar(value[i]) && !is_fws(value[i]))
			return tl::unexpected("invalid character in the value of " +
			                      std::string(name) + "=");
	return dkim_tag{name, value};
}

tl::expected<dkim_canon, std::string> parse_canon(std::string_view text)
{
	if (iequals(text, "simple"))
		return dkim_canon::simple;
	if (iequals(text, "relaxed"))
		return dkim_canon::relaxed;
	return tl::unexpected("unknown canonicalization \"" + std::string(text.substr(0, 32)) +
	                      "\"");
}

tl::expected<dkim_algorithm, std::string> parse_algorithm(std::string_view text)
{
	if (iequals(text, "rsa-sha256"))
		return dkim_algorithm::rsa_sha256;
	if (iequals(text, "ed25519-sha256"))
		return dkim_algorithm::ed25519_sha256;
	if (iequals(text, "rsa-sha1"))
		return dkim_algorithm::rsa_sha1;
	return tl::unexpected("unknown algorithm a=" + std::string(text.substr(0, 32)));
}

// The required tags of RFC 6376 section 6.1.1.
constexpr std::array<std::string_view, 7> required_signature_tags = {"v", "a", "b", "bh",
                                                                     "d", "h", "s"};

using sig_result = tl::expected<void, std::string>;

sig_result read_canon(tag_map const &tags, dkim_signature &sig)
{
	auto c = tags.get("c");
	if (!c)
		return {};
	auto slash = c->find('/');
	auto header = parse_canon(trim(c->substr(0, slash)));
	if (!header)
		return tl::unexpected(header.error());
	sig.header_canon = *header;
	sig.body_canon = dkim_canon::simple;
	if (slash != std::string_view::npos) {
		auto body = parse_canon(trim(c->substr(slash + 1)));
		if (!body)
			return tl::unexpected(body.error());
		sig.body_canon = *body;
	}
	return {};
}

sig_result read_identity(tag_map const &tags, dkim_signature &sig)
{
	auto i = tags.get("i");
	if (!i) {
		sig.identity = "@" + sig.domain;
		return {};
	}
	auto at = i->rfind('@');
	if (at == std::string_view::npos)
		return tl::unexpected(std::string("i= has no '@'"));
	auto domain = lower(i->substr(at + 1));
	if (!valid_dotted(domain, false, 1))
		return tl::unexpected(std::string("i= domain is not a domain name"));
	bool inside =
	        domain == sig.domain || (domain.size() > sig.domain.size() &&
	                                 domain.compare(domain.size() - sig.domain.size(),
	                                                std::string::npos, sig.domain) == 0 &&
	                                 domain[domain.size() - sig.domain.size() - 1] == '.');
	if (!inside)
		return tl::unexpected("i= domain " + domain + " is not within d=" + sig.domain);
	sig.identity = std::string(i->substr(0, at + 1)) + domain;
	return {};
}

sig_result read_headers(tag_map const &tags, dkim_signature &sig)
{
	bool from = false;
	for (auto name : split(*tags.get("h"), ':')) {
		if (!valid_field_name(name))
			return tl::unexpected(std::string("h= has an invalid header field name"));
		sig.signed_headers.push_back(lower(name));
		from = from || sig.signed_headers.back() == "from";
	}
	if (!from)
		return tl::unexpected(std::string("h= does not include From"));
	return {};
}

sig_result read_times(tag_map const &tags, dkim_signature &sig)
{
	if (auto l = tags.get("l")) {
		auto n = parse_number<std::uint64_t>("l", *l, 76);
		if (!n)
			return tl::unexpected(n.error());
		sig.body_length = *n;
	}
	if (auto t = tags.get("t")) {
		auto n = parse_number<std::int64_t>("t", *t, 12);
		if (!n)
			return tl::unexpected(n.error());
		sig.timestamp = *n;
	}
	if (auto x = tags.get("x")) {
		auto n = parse_number<std::int64_t>("x", *x, 12);
		if (!n)
			return tl::unexpected(n.error());
		sig.expiration = *n;
	}
	if (sig.timestamp && sig.expiration && *sig.expiration <= *sig.timestamp)
		return tl::unexpected(std::string("x= is not later than t="));
	return {};
}

sig_result read_query_methods(tag_map const &tags)
{
	auto q = tags.get("q");
	if (!q)
		return {};
	for (auto method : split(*q, ':'))
		if (iequals(method, "dns/txt"))
			return {};
	return tl::unexpected(std::string("q= offers no dns/txt query method"));
}

sig_result read_hashes(tag_map const &tags, dkim_signature &sig)
{
	auto b = base64_decode(*tags.get("b"));
	if (!b)
		return tl::unexpected("b= is not base64: " + b.error());
	if (b->empty())
		return tl::unexpected(std::string("b= is empty"));
	sig.signature = std::move(*b);
	sig.signature_b64 = strip_fws(*tags.get("b"));
	auto bh = base64_decode(*tags.get("bh"));
	if (!bh)
		return tl::unexpected("bh= is not base64: " + bh.error());
	std::size_t want = sig.algorithm == dkim_algorithm::rsa_sha1 ? 20 : 32;
	if (bh->size() != want)
		return tl::unexpected("bh= has " + std::to_string(bh->size()) +
		                      " bytes, the hash has " + std::to_string(want));
	sig.body_hash = std::move(*bh);
	return {};
}

} // namespace

std::string_view to_string(dkim_algorithm algorithm)
{
	switch (algorithm) {
	case dkim_algorithm::rsa_sha1:
		return "rsa-sha1";
	case dkim_algorithm::rsa_sha256:
		return "rsa-sha256";
	case dkim_algorithm::ed25519_sha256:
		return "ed25519-sha256";
	}
	return "unknown";
}

std::string_view to_string(dkim_canon canon)
{
	return canon == dkim_canon::simple ? "simple" : "relaxed";
}

tl::expected<std::vector<dkim_tag>, std::string> dkim_parse_tag_list(std::string_view text)
{
	std::vector<dkim_tag> tags;
	for (;;) {
		auto semi = text.find(';');
		auto spec = text.substr(0, semi);
		bool last = semi == std::string_view::npos;
		if (trim(spec).empty()) {
			// Only the text after a final ";" may be empty.
			if (last && !tags.empty())
				return tags;
			return tl::unexpected(std::string(tags.empty() ? "empty tag list"
			                                               : "empty tag between ';'"));
		}
		auto tag = parse_tag_spec(spec);
		if (!tag)
			return tl::unexpected(tag.error());
		for (auto const &seen : tags)
			if (seen.name == tag->name)
				return tl::unexpected("tag " + std::string(tag->name) +
				                      "= appears twice");
		tags.push_back(*tag);
		if (last)
			return tags;
		text.remove_prefix(semi + 1);
	}
}

tl::expected<dkim_signature, std::string> dkim_parse_signature(std::string_view value)
{
	auto list = dkim_parse_tag_list(value);
	if (!list)
		return tl::unexpected(list.error());
	tag_map tags(std::move(*list));
	for (auto name : required_signature_tags)
		if (!tags.get(name))
			return tl::unexpected("required tag " + std::string(name) + "= is missing");
	if (*tags.get("v") != "1")
		return tl::unexpected("unsupported version v=" +
		                      std::string(tags.get("v")->substr(0, 16)));

	dkim_signature sig;
	auto algorithm = parse_algorithm(*tags.get("a"));
	if (!algorithm)
		return tl::unexpected(algorithm.error());
	sig.algorithm = *algorithm;
	sig.domain = lower(*tags.get("d"));
	if (!valid_dotted(sig.domain, false, 2))
		return tl::unexpected(std::string("d= is not a domain name"));
	sig.selector = lower(*tags.get("s"));
	if (!valid_dotted(sig.selector, true, 1))
		return tl::unexpected(std::string("s= is not a valid selector"));

	for (auto step : {read_canon(tags, sig), read_identity(tags, sig), read_headers(tags, sig),
	                  read_times(tags, sig), read_query_methods(tags), read_hashes(tags, sig)})
		if (!step)
			return tl::unexpected(step.error());
	return sig;
}

bool dkim_key_record::allows_hash(std::string_view hash) const
{
	return hashes.empty() || std::find(hashes.begin(), hashes.end(), hash) != hashes.end();
}

tl::expected<dkim_key_record, std::string> dkim_parse_key(std::string_view txt)
{
	auto list = dkim_parse_tag_list(txt);
	if (!list)
		return tl::unexpected(list.error());
	tag_map tags(std::move(*list));
	dkim_key_record key;

	if (auto v = tags.get("v")) {
		if (tags.all().front().name != "v")
			return tl::unexpected(std::string("v= is not the first tag"));
		if (*v != "DKIM1")
			return tl::unexpected(
			        "not a DKIM1 key record (v=" + std::string(v->substr(0, 16)) + ")");
	}
	if (auto k = tags.get("k")) {
		if (iequals(*k, "ed25519"))
			key.type = dkim_key_type::ed25519;
		else if (!iequals(*k, "rsa"))
			return tl::unexpected("unknown key type k=" +
			                      std::string(k->substr(0, 16)));
	}
	if (auto h = tags.get("h"))
		for (auto hash : split(*h, ':'))
			key.hashes.push_back(lower(hash));
	if (auto s = tags.get("s")) {
		auto services = split(*s, ':');
		bool email = std::any_of(services.begin(), services.end(), [](auto service) {
			return service == "*" || iequals(service, "email");
		});
		if (!email)
			return tl::unexpected(std::string("key is not for email (s=)"));
	}
	if (auto t = tags.get("t"))
		for (auto flag : split(*t, ':')) {
			key.testing = key.testing || iequals(flag, "y");
			key.strict_identity = key.strict_identity || iequals(flag, "s");
		}
	auto p = tags.get("p");
	if (!p)
		return tl::unexpected(std::string("key record has no p="));
	auto decoded = base64_decode(*p);
	if (!decoded)
		return tl::unexpected("p= is not base64: " + decoded.error());
	key.public_key = std::move(*decoded);
	return key;
}

} // namespace dtn
