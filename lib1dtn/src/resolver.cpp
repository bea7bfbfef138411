#include "1dtn/resolver.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>

#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

namespace dtn {

// The shared context. `lock` guards every libunbound call and the
// `polling` token: one waiting caller at a time sleeps in poll() on the
// context's descriptor and runs the callbacks of whatever answers
// arrived; the others sleep on `answered` until their answer is in or
// their deadline passes.
struct unbound_resolver::context {
	ub_ctx *ub = nullptr;
	std::chrono::milliseconds timeout{5000};
	std::mutex lock;
	std::condition_variable answered;
	bool polling = false;

	~context()
	{
		if (ub)
			ub_ctx_delete(ub);
	}
};

namespace {

using clock = std::chrono::steady_clock;

// One query in flight, shared by the waiting caller and the callback
// (which may outlive a caller that gave up).
struct pending {
	bool done = false; // written under context::lock
	dns_answer answer;
};

std::string wire_name(unsigned char const *data, std::size_t len, std::size_t offset)
{
	std::string name;
	while (offset < len) {
		std::size_t label = data[offset++];
		if (label == 0)
			return name.empty() ? "." : name;
		if (label > 63 || offset + label > len)
			break;
		if (!name.empty())
			name += '.';
		for (std::size_t i = 0; i < label; ++i) {
			unsigned char c = data[offset + i];
			if (c >= 'A' && c <= 'Z')
				c = static_cast<unsigned char>(c - 'A' + 'a');
			bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			             c == '_' || c == '*';
			if (plain) {
				name += static_cast<char>(c);
			} else {
				char escaped[6];
				std::snprintf(escaped, sizeof escaped, "\\%03u", c);
				name += escaped;
			}
		}
		offset += label;
	}
	return {}; // malformed: the caller drops the record
}

std::string txt_strings(unsigned char const *data, std::size_t len)
{
	std::string text;
	std::size_t offset = 0;
	while (offset < len) {
		std::size_t size = data[offset++];
		size = std::min(size, len - offset);
		text.append(reinterpret_cast<char const *>(data + offset), size);
		offset += size;
	}
	return text;
}

std::string address(int family, unsigned char const *data, std::size_t len)
{
	char text[INET6_ADDRSTRLEN] = "";
	std::size_t want = family == AF_INET ? 4 : 16;
	if (len != want || !inet_ntop(family, data, text, sizeof text))
		return {};
	return text;
}

std::string presentation(rr_type type, unsigned char const *data, std::size_t len)
{
	switch (type) {
	case rr_type::txt:
		return txt_strings(data, len);
	case rr_type::a:
		return address(AF_INET, data, len);
	case rr_type::aaaa:
		return address(AF_INET6, data, len);
	case rr_type::mx:
		return len > 2 ? wire_name(data, len, 2) : std::string();
	case rr_type::ns:
	case rr_type::cname:
	case rr_type::ptr:
		return wire_name(data, len, 0);
	}
	return {};
}

dns_answer answer_from(ub_result const *result)
{
	dns_answer answer;
	if (result->bogus) {
		answer.status = dns_status::bogus;
		answer.dnssec = dnssec_state::bogus;
		answer.why_bogus = result->why_bogus ? result->why_bogus : "validation failed";
		return answer;
	}
	answer.ttl = static_cast<std::uint32_t>(std::max(result->ttl, 0));
	if (result->rcode != 0 && result->rcode != 3) {
		answer.status = dns_status::servfail;
		return answer;
	}
	answer.dnssec = result->secure ? dnssec_state::secure : dnssec_state::insecure;
	if (result->nxdomain) {
		answer.status = dns_status::nxdomain;
		return answer;
	}
	auto type = static_cast<rr_type>(result->qtype);
	for (int i = 0; result->havedata && result->data[i]; ++i) {
		auto const *data = reinterpret_cast<unsigned char const *>(result->data[i]);
		auto text = presentation(type, data, static_cast<std::size_t>(result->len[i]));
		if (!text.empty() || type == rr_type::txt)
			answer.records.push_back(std::move(text));
	}
	answer.status = answer.records.empty() ? dns_status::nodata : dns_status::ok;
	return answer;
}

void on_result(void *arg, int err, ub_result *result)
{
	auto *holder = static_cast<std::shared_ptr<pending> *>(arg);
	pending &query = **holder;
	if (err != 0 || !result) {
		query.answer.status = dns_status::servfail;
		query.answer.why_bogus.clear();
	} else {
		query.answer = answer_from(result);
	}
	query.done = true;
	if (result)
		ub_resolve_free(result);
	delete holder;
}

dns_answer failed(dns_status status)
{
	dns_answer answer;
	answer.status = status;
	return answer;
}

tl::expected<void, std::string> check(int rc, std::string const &what)
{
	if (rc == 0)
		return {};
	return tl::unexpected("libunbound rejected " + what + ": " + ub_strerror(rc));
}

tl::expected<void, std::string> configure(ub_ctx *ub, resolver_options const &options)
{
	if (auto ok = check(ub_ctx_async(ub, 1), "threaded mode"); !ok)
		return ok;
	if (options.allow_loopback_servers)
		if (auto ok = check(ub_ctx_set_option(ub, "do-not-query-localhost:", "no"),
		                    "do-not-query-localhost");
		    !ok)
			return ok;
	if (!options.trust_anchor_file.empty()) {
		if (!std::ifstream(options.trust_anchor_file))
			return tl::unexpected("cannot read trust anchor file " +
			                      options.trust_anchor_file);
		auto const &file = options.trust_anchor_file;
		if (auto ok = check(ub_ctx_add_ta_file(ub, file.c_str()), "anchor file " + file);
		    !ok)
			return ok;
	}
	for (auto const &anchor : options.trust_anchors)
		if (auto ok = check(ub_ctx_add_ta(ub, anchor.c_str()), "anchor " + anchor); !ok)
			return ok;
	for (auto const &server : options.forwarders)
		if (auto ok = check(ub_ctx_set_fwd(ub, server.c_str()), "forwarder " + server); !ok)
			return ok;
	for (auto const &[zone, server] : options.stub_zones)
		if (auto ok = check(ub_ctx_set_stub(ub, zone.c_str(), server.c_str(), 0),
		                    "stub zone " + zone + " at " + server);
		    !ok)
			return ok;
	for (auto const &[name, value] : options.unbound_options)
		if (auto ok = check(ub_ctx_set_option(ub, name.c_str(), value.c_str()),
		                    "option " + name + " " + value);
		    !ok)
			return ok;
	return {};
}

} // namespace

unbound_resolver::unbound_resolver(std::unique_ptr<context> ctx) : ctx_(std::move(ctx)) {}

unbound_resolver::~unbound_resolver() = default;

tl::expected<std::shared_ptr<unbound_resolver>, std::string>
unbound_resolver::create(resolver_options const &options)
{
	auto ctx = std::make_unique<context>();
	ctx->ub = ub_ctx_create();
	if (!ctx->ub)
		return tl::unexpected(std::string("cannot create a libunbound context"));
	ctx->timeout = options.timeout;
	if (auto ok = configure(ctx->ub, options); !ok)
		return tl::unexpected(ok.error());
	return std::shared_ptr<unbound_resolver>(new unbound_resolver(std::move(ctx)));
}

dns_answer unbound_resolver::query(std::string_view name, rr_type type)
{
	std::string qname(name);
	if (qname.empty() || qname.find('\0') != std::string::npos)
		return failed(dns_status::servfail);

	auto query = std::make_shared<pending>();
	auto deadline = clock::now() + ctx_->timeout;
	std::unique_lock lock(ctx_->lock);
	auto *holder = new std::shared_ptr<pending>(query);
	int id = 0;
	if (ub_resolve_async(ctx_->ub, qname.c_str(), static_cast<int>(type), 1, holder, on_result,
	                     &id) != 0) {
		delete holder;
		return failed(dns_status::servfail);
	}

	while (!query->done && clock::now() < deadline) {
		if (ctx_->polling) {
			ctx_->answered.wait_until(lock, deadline);
			continue;
		}
		ctx_->polling = true;
		int fd = ub_fd(ctx_->ub);
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
		                                                                  clock::now());
		lock.unlock();
		pollfd pfd{fd, POLLIN, 0};
		int ready = ::poll(&pfd, 1, static_cast<int>(std::max<long>(left.count(), 0) + 1));
		lock.lock();
		if (ready > 0)
			ub_process(ctx_->ub);
		ctx_->polling = false;
		ctx_->answered.notify_all();
	}

	if (query->done)
		return std::move(query->answer);
	// Gave up. A cancelled query never calls back; one whose answer is
	// already on its way still will, and frees the holder then.
	if (ub_cancel(ctx_->ub, id) == 0)
		delete holder;
	return failed(dns_status::timeout);
}

} // namespace dtn
