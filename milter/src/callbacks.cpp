// libmilter callbacks: per-connection state in smfi_setpriv, facts
// handed to the policy, verdicts turned into replies and header edits.
// Exceptions never cross into libmilter: a callback that fails answers
// "try again later" so no mail is lost.
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include "runtime.hpp"

namespace milter {
namespace {

constexpr char auth_results_name[] = "Authentication-Results";

struct session {
	std::shared_ptr<const policy> rules; // snapshot for the whole connection
	connection_facts conn;
	std::optional<transaction> tx;
	unsigned long protocol = 0; // negotiated SMFIP_* flags
	int ar_seen = 0;            // Authentication-Results headers so far
	std::vector<int> ar_ours;   // their indexes that claim our authserv-id

	bool no_reply(unsigned long flag) const { return (protocol & flag) != 0; }
	void reset_message()
	{
		tx.reset();
		ar_seen = 0;
		ar_ours.clear();
	}
};

session *get(SMFICTX *ctx)
{
	return static_cast<session *>(smfi_getpriv(ctx));
}

session *ensure(SMFICTX *ctx)
{
	if (auto *s = get(ctx))
		return s;
	auto *s = new session;
	s->rules = runtime::instance().current();
	smfi_setpriv(ctx, s);
	++runtime::instance().active_sessions;
	runtime::instance().stats.connection();
	return s;
}

std::string macro(SMFICTX *ctx, const char *name)
{
	const char *value = smfi_getsymval(ctx, const_cast<char *>(name));
	return value == nullptr ? std::string{} : std::string(value);
}

std::string address_text(const sockaddr *addr)
{
	char text[INET6_ADDRSTRLEN] = {};
	if (addr == nullptr)
		return {};
	if (addr->sa_family == AF_INET) {
		auto const *in = reinterpret_cast<const sockaddr_in *>(addr);
		inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
	} else if (addr->sa_family == AF_INET6) {
		auto const *in6 = reinterpret_cast<const sockaddr_in6 *>(addr);
		inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
	}
	return text;
}

sfsistat refuse(SMFICTX *ctx, verdict const &v)
{
	smfi_setreply(ctx, const_cast<char *>(v.smtp_code.c_str()),
	              const_cast<char *>(v.extended_code.c_str()),
	              const_cast<char *>(v.text.c_str()));
	return v.action == verdict_action::reject ? SMFIS_REJECT : SMFIS_TEMPFAIL;
}

void refresh_queue_id(SMFICTX *ctx, transaction &tx)
{
	if (tx.queue_id.empty())
		tx.queue_id = macro(ctx, "i");
}

// Runs `body`; on an exception logs it and answers 451 (or `fallback`
// for events that take no reply).
template <typename F>
sfsistat guarded(const char *stage, SMFICTX *ctx, F body)
{
	try {
		return body();
	} catch (std::exception const &e) {
		log_line(log_level::error, std::string("internal error at ") + stage + ": " +
		                                   e.what() + "; answering 451");
	} catch (...) {
		log_line(log_level::error, std::string("internal error at ") + stage);
	}
	smfi_setreply(ctx, const_cast<char *>("451"), const_cast<char *>("4.3.0"),
	              const_cast<char *>("1DTN: internal error, try again later"));
	return SMFIS_TEMPFAIL;
}

sfsistat on_negotiate(SMFICTX *ctx, unsigned long actions, unsigned long protocol, unsigned long,
                      unsigned long, unsigned long *want_actions, unsigned long *want_protocol,
                      unsigned long *want_2, unsigned long *want_3)
{
	return guarded("negotiate", ctx, [&] {
		session *s = ensure(ctx);
		*want_actions = actions & (SMFIF_ADDHDRS | SMFIF_CHGHDRS);
		// Skip what we never look at, and let the MTA send the events
		// we never answer without waiting for a reply.
		unsigned long wanted = SMFIP_NOBODY | SMFIP_NOUNKNOWN | SMFIP_NODATA |
		                       SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_HDR | SMFIP_NR_EOH;
		s->protocol = protocol & wanted;
		*want_protocol = s->protocol;
		*want_2 = 0;
		*want_3 = 0;
		return SMFIS_CONTINUE;
	});
}

sfsistat on_connect(SMFICTX *ctx, char *host_name, _SOCK_ADDR *host_address)
{
	return guarded("connect", ctx, [&] {
		session *s = ensure(ctx);
		s->conn.client_ip = address_text(host_address);
		s->conn.client_name = host_name == nullptr ? "" : host_name;
		return s->no_reply(SMFIP_NR_CONN) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	});
}

sfsistat on_helo(SMFICTX *ctx, char *helo)
{
	return guarded("helo", ctx, [&] {
		session *s = ensure(ctx);
		s->conn.helo = helo == nullptr ? "" : helo;
		return s->no_reply(SMFIP_NR_HELO) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	});
}

sfsistat on_mail(SMFICTX *ctx, char **argv)
{
	return guarded("mail", ctx, [&] {
		session *s = ensure(ctx);
		s->reset_message();
		std::string from = argv != nullptr && argv[0] != nullptr ? argv[0] : "";
		s->tx = s->rules->begin(from, macro(ctx, "i"), macro(ctx, "{auth_authen}"));
		runtime::instance().stats.message();
		return SMFIS_CONTINUE;
	});
}

sfsistat on_rcpt(SMFICTX *ctx, char **argv)
{
	return guarded("rcpt", ctx, [&] {
		session *s = ensure(ctx);
		if (!s->tx)
			s->tx = s->rules->begin("", macro(ctx, "i"), "");
		refresh_queue_id(ctx, *s->tx);
		std::string rcpt = argv != nullptr && argv[0] != nullptr ? argv[0] : "";
		verdict v = s->rules->judge_recipient(s->conn, *s->tx, rcpt);
		runtime::instance().stats.count(v);
		log_line(log_level::info,
		         decision_line("rcpt", s->tx->queue_id, s->conn, s->tx->mail_from,
		                       parse_mailbox(rcpt).local + "@" + parse_mailbox(rcpt).domain,
		                       v));
		if (v.action != verdict_action::accept)
			return refuse(ctx, v);
		return SMFIS_CONTINUE;
	});
}

sfsistat on_header(SMFICTX *ctx, char *name, char *value)
{
	return guarded("header", ctx, [&] {
		session *s = ensure(ctx);
		if (name != nullptr && value != nullptr &&
		    strcasecmp(name, auth_results_name) == 0) {
			++s->ar_seen;
			if (claims_authserv_id(value, s->rules->settings().authserv_id))
				s->ar_ours.push_back(s->ar_seen);
		}
		return s->no_reply(SMFIP_NR_HDR) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	});
}

sfsistat on_eoh(SMFICTX *ctx)
{
	return guarded("eoh", ctx, [&] {
		session *s = ensure(ctx);
		return s->no_reply(SMFIP_NR_EOH) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
	});
}

void edit_headers(SMFICTX *ctx, session &s, message_verdict const &mv)
{
	// Highest index first, so earlier indexes stay valid.
	for (auto it = s.ar_ours.rbegin(); it != s.ar_ours.rend(); ++it)
		smfi_chgheader(ctx, const_cast<char *>(auth_results_name), *it, nullptr);
	if (!mv.auth_results.empty())
		smfi_insheader(ctx, 0, const_cast<char *>(auth_results_name),
		               const_cast<char *>(mv.auth_results.c_str()));
	for (auto const &w : mv.warnings)
		smfi_addheader(ctx, const_cast<char *>("X-1DTN-Warning"),
		               const_cast<char *>(w.c_str()));
}

sfsistat on_eom(SMFICTX *ctx)
{
	return guarded("eom", ctx, [&] {
		session *s = ensure(ctx);
		if (!s->tx)
			s->tx = s->rules->begin("", macro(ctx, "i"), "");
		refresh_queue_id(ctx, *s->tx);
		message_verdict mv = s->rules->finish_message(s->conn, *s->tx);
		for (auto const &[domain, v] : mv.late_decisions) {
			runtime::instance().stats.count(v);
			log_line(log_level::info,
			         decision_line("eom", s->tx->queue_id, s->conn, s->tx->mail_from,
			                       "*@" + domain, v));
		}
		sfsistat status = SMFIS_CONTINUE;
		if (mv.overall.action != verdict_action::accept)
			status = refuse(ctx, mv.overall);
		else
			edit_headers(ctx, *s, mv);
		s->reset_message();
		return status;
	});
}

sfsistat on_abort(SMFICTX *ctx)
{
	if (session *s = get(ctx))
		s->reset_message();
	return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX *ctx)
{
	if (session *s = get(ctx)) {
		smfi_setpriv(ctx, nullptr);
		delete s;
		--runtime::instance().active_sessions;
	}
	return SMFIS_CONTINUE;
}

} // namespace

runtime &runtime::instance()
{
	static runtime the_runtime;
	return the_runtime;
}

std::shared_ptr<const policy> runtime::current() const
{
	std::lock_guard lock(mutex_);
	return policy_;
}

void runtime::install(std::shared_ptr<const policy> next)
{
	std::lock_guard lock(mutex_);
	policy_ = std::move(next);
}

smfiDesc filter_description()
{
	smfiDesc d{};
	d.xxfi_name = const_cast<char *>("1dall-milter");
	d.xxfi_version = SMFI_VERSION;
	d.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	d.xxfi_connect = on_connect;
	d.xxfi_helo = on_helo;
	d.xxfi_envfrom = on_mail;
	d.xxfi_envrcpt = on_rcpt;
	d.xxfi_header = on_header;
	d.xxfi_eoh = on_eoh;
	d.xxfi_eom = on_eom;
	d.xxfi_abort = on_abort;
	d.xxfi_close = on_close;
	d.xxfi_negotiate = on_negotiate;
	return d;
}

} // namespace milter
