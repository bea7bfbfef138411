// parse_message(): the MIME walk. GMime builds the tree (RFC 2047/2231
// decoding, transfer encodings, broken boundaries); this file walks it
// within the limits, decodes text to UTF-8 and hands attachments to the
// inspectors.
#include "ai/message.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <string>

#include "ai/html.hpp"
#include "ai/inspect.hpp"
#include "charset.hpp"
#include "gmime_runtime.hpp"

namespace ai {
namespace {

using detail::gobject_ptr;

// A part's decoded content, kept until the attachments are inspected.
struct pending_attachment {
	attachment att;
	gobject_ptr<GMimeStream> content;
};

struct walk_state {
	std::string_view raw;
	parse_limits const &limits;
	parsed_message &out;
	std::size_t parts = 0;
	std::size_t decoded_bytes = 0;
	std::vector<pending_attachment> pending;
};

void add_signal(std::vector<signal> &signals, std::string_view rule, std::string detail)
{
	for (auto const &s : signals)
		if (s.rule == rule)
			return; // once per rule is enough for the score
	signals.push_back({std::string(rule), std::move(detail), 1.0});
}

std::string_view strip_mbox_from_line(std::string_view raw)
{
	if (!raw.starts_with("From "))
		return raw;
	std::size_t eol = raw.find('\n');
	return eol == std::string_view::npos ? std::string_view{} : raw.substr(eol + 1);
}

// GMime builds every part before we see any, so a message made of
// millions of tiny parts would cost memory first. Boundary lines start
// with "--": past a generous multiple of the part limit the rest is cut.
std::string_view cut_excess_parts(std::string_view raw, parse_limits const &limits, bool &cut)
{
	std::size_t allowed = 2 * limits.max_parts + 16;
	std::size_t seen = 0;
	for (std::size_t pos = 0; pos < raw.size();) {
		if (raw.compare(pos, 2, "--") == 0 && ++seen > allowed) {
			cut = true;
			return raw.substr(0, pos);
		}
		std::size_t eol = raw.find('\n', pos);
		if (eol == std::string_view::npos)
			break;
		pos = eol + 1;
	}
	return raw;
}

void on_parser_warning(gint64, GMimeParserWarning code, gchar const *item, gpointer data)
{
	auto &signals = *static_cast<std::vector<signal> *>(data);
	std::string what = item ? item : "";
	switch (code) {
	case GMIME_WARN_MALFORMED_MULTIPART:
	case GMIME_WARN_MALFORMED_MESSAGE:
	case GMIME_WARN_PART_WITHOUT_CONTENT:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		add_signal(signals, "mime.malformed", "broken MIME structure");
		break;
	case GMIME_WARN_TRUNCATED_MESSAGE:
		add_signal(signals, "mime.truncated", "message ends inside a part");
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
		add_signal(signals, "mime.multipart_without_boundary", "multipart has no boundary");
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		add_signal(signals, "mime.invalid_header", "invalid header: " + what.substr(0, 60));
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		add_signal(signals, "mime.conflicting_header",
		           "conflicting header: " + what.substr(0, 60));
		break;
	case GMIME_WARN_INVALID_RFC2047_HEADER_VALUE:
		add_signal(signals, "mime.invalid_encoded_word", "broken encoded word");
		break;
	case GMIME_WARN_UNENCODED_8BIT_HEADER:
		add_signal(signals, "mime.unencoded_8bit_header",
		           "raw 8-bit header: " + what.substr(0, 60));
		break;
	case GMIME_CRIT_NESTING_OVERFLOW:
		add_signal(signals, "mime.depth_limit", "nesting beyond the parser's limit");
		break;
	default:
		break;
	}
}

// Options per thread: the warning callback's data changes per message.
GMimeParserOptions *thread_parser_options()
{
	struct holder {
		GMimeParserOptions *options = nullptr;
		~holder()
		{
			if (options)
				g_mime_parser_options_free(options);
		}
	};
	thread_local holder h;
	if (!h.options) {
		h.options = g_mime_parser_options_new();
		g_mime_parser_options_set_rfc2047_compliance_mode(h.options,
		                                                  GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_parameter_compliance_mode(h.options,
		                                                    GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_address_compliance_mode(h.options,
		                                                  GMIME_RFC_COMPLIANCE_LOOSE);
		// Undeclared 8-bit header text: UTF-8, else the Japanese
		// encodings (EUC-JP before Shift_JIS: EUC text also decodes as
		// Shift_JIS, not the reverse), else Latin-1.
		char const *fallback[] = {"UTF-8", "EUC-JP", "CP932", "WINDOWS-1252", nullptr};
		g_mime_parser_options_set_fallback_charsets(h.options, fallback);
	}
	return h.options;
}

std::string trim(std::string_view s)
{
	while (!s.empty() &&
	       (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
		s.remove_prefix(1);
	while (!s.empty() &&
	       (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
		s.remove_suffix(1);
	return std::string(s);
}

std::string lower(std::string s)
{
	for (char &c : s)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return s;
}

// A decoded header value as clean UTF-8: GMime leaves raw ISO-2022-JP
// (7-bit escapes, no encoded words) alone, so that is converted here.
std::string clean_header_text(char const *value)
{
	if (!value)
		return {};
	return trim(detail::to_utf8(value, {}));
}

// The first mailbox in an address list (members of a group included).
InternetAddress *first_mailbox(InternetAddressList *list)
{
	if (!list)
		return nullptr;
	int count = internet_address_list_length(list);
	for (int i = 0; i < count; ++i) {
		InternetAddress *address = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(address))
			return address;
		if (INTERNET_ADDRESS_IS_GROUP(address)) {
			InternetAddress *member = first_mailbox(internet_address_group_get_members(
			        INTERNET_ADDRESS_GROUP(address)));
			if (member)
				return member;
		}
	}
	return nullptr;
}

// True when a raw header value holds an encoded word or 8-bit bytes.
bool needs_decoding(std::string_view raw)
{
	for (std::size_t i = 0; i < raw.size(); ++i) {
		unsigned char c = static_cast<unsigned char>(raw[i]);
		if (c >= 0x80 || (c == '=' && i + 1 < raw.size() && raw[i + 1] == '?'))
			return true;
	}
	return false;
}

// A header value unfolded and, where it holds encoded words or 8-bit
// bytes, decoded. Most headers (Received, DKIM-Signature...) are plain
// ASCII: they skip GMime's decoder, which is a good share of parse time.
std::string header_value(GMimeHeader *header)
{
	char const *raw = g_mime_header_get_raw_value(header);
	if (!raw)
		return {};
	std::string_view view(raw);
	if (needs_decoding(view))
		return clean_header_text(g_mime_header_get_value(header));
	std::string value;
	value.reserve(view.size());
	while (!view.empty()) {
		std::size_t eol = view.find_first_of("\r\n");
		value.append(view.substr(0, eol));
		if (eol == std::string_view::npos)
			break;
		view.remove_prefix(eol + 1);
	}
	return trim(value);
}

void read_headers(GMimeMessage *message, parsed_message &out)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(GMIME_OBJECT(message));
	int count = list ? g_mime_header_list_get_count(list) : 0;
	out.headers.reserve(static_cast<std::size_t>(count));
	for (int i = 0; i < count; ++i) {
		GMimeHeader *header = g_mime_header_list_get_header_at(list, i);
		char const *name = g_mime_header_get_name(header);
		out.headers.emplace_back(name ? name : "", header_value(header));
	}

	out.subject = clean_header_text(g_mime_message_get_subject(message));
	if (InternetAddress *from = first_mailbox(g_mime_message_get_from(message))) {
		out.from_display = clean_header_text(internet_address_get_name(from));
		out.from_address =
		        trim(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(from)));
	}
	if (InternetAddress *reply = first_mailbox(g_mime_message_get_reply_to(message)))
		out.reply_to =
		        trim(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(reply)));

	for (auto const &[name, value] : out.headers) {
		if (out.date.empty() && g_ascii_strcasecmp(name.c_str(), "Date") == 0)
			out.date = value;
		if (out.message_id.empty() && g_ascii_strcasecmp(name.c_str(), "Message-ID") == 0)
			out.message_id = value;
	}
	if (GDateTime *date = g_mime_message_get_date(message))
		out.date_unix = g_date_time_to_unix(date);
}

// The decoded bytes of a leaf part (transfer encoding undone), or null
// when the size budget is spent.
gobject_ptr<GMimeStream> decode_part(GMimePart *part, walk_state &state)
{
	GMimeDataWrapper *wrapper = g_mime_part_get_content(part);
	if (!wrapper)
		return nullptr;
	GMimeStream *encoded = g_mime_data_wrapper_get_stream(wrapper);
	gint64 encoded_length = encoded ? g_mime_stream_length(encoded) : 0;
	// Decoding never makes content larger than its encoded form.
	std::size_t upper_bound = encoded_length > 0 ? static_cast<std::size_t>(encoded_length) : 0;
	if (state.decoded_bytes + upper_bound > state.limits.max_decoded_bytes) {
		add_signal(state.out.structure, "mime.size_limit",
		           "decoded content beyond " +
		                   std::to_string(state.limits.max_decoded_bytes) + " bytes");
		return nullptr;
	}
	// Sized once: growing the buffer while decoding costs copies.
	bool base64 = g_mime_part_get_content_encoding(part) == GMIME_CONTENT_ENCODING_BASE64;
	std::size_t estimate = base64 ? upper_bound / 4 * 3 + 4 : upper_bound + 16;
	gobject_ptr<GMimeStream> decoded(g_mime_stream_mem_new_with_byte_array(
	        g_byte_array_sized_new(static_cast<guint>(estimate))));
	g_mime_data_wrapper_write_to_stream(wrapper, decoded.get());
	state.decoded_bytes +=
	        static_cast<std::size_t>(std::max<gint64>(0, g_mime_stream_length(decoded.get())));
	return decoded;
}

std::string_view stream_bytes(GMimeStream *stream)
{
	if (!stream)
		return {};
	GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	if (!bytes || bytes->len == 0)
		return {};
	return {reinterpret_cast<char const *>(bytes->data), bytes->len};
}

void append_section(std::string &to, std::string const &text)
{
	if (text.empty())
		return;
	if (!to.empty())
		to += '\n';
	to += text;
}

std::string mime_type_of(GMimeObject *object)
{
	GMimeContentType *type = g_mime_object_get_content_type(object);
	if (!type)
		return "application/octet-stream";
	char *mime = g_mime_content_type_get_mime_type(type);
	std::string result = mime ? lower(mime) : "application/octet-stream";
	g_free(mime);
	return result;
}

bool is_attachment_disposition(GMimeObject *object)
{
	GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(object);
	return disposition && g_mime_content_disposition_is_attachment(disposition);
}

void walk_leaf(GMimePart *part, int depth, walk_state &state)
{
	GMimeObject *object = GMIME_OBJECT(part);
	std::string type = mime_type_of(object);
	char const *raw_name = g_mime_part_get_filename(part);
	std::string filename = clean_header_text(raw_name);
	bool body_text = filename.empty() && !is_attachment_disposition(object) &&
	                 (type == "text/plain" || type == "text/html");
	if (body_text) {
		auto decoded = decode_part(part, state);
		char const *charset = g_mime_object_get_content_type_parameter(object, "charset");
		std::string text =
		        detail::to_utf8(stream_bytes(decoded.get()), charset ? charset : "");
		append_section(type == "text/html" ? state.out.html : state.out.text, text);
		return;
	}
	// Other unnamed text (delivery reports, calendars) is neither body
	// nor a file the reader would open.
	bool inline_text = filename.empty() && !is_attachment_disposition(object) &&
	                   (type.starts_with("text/") || type.starts_with("message/"));
	if (inline_text)
		return;
	pending_attachment pending;
	pending.att.filename = std::move(filename);
	pending.att.declared_type = std::move(type);
	pending.att.depth = 0;
	(void)depth;
	pending.content = decode_part(part, state);
	state.pending.push_back(std::move(pending));
}

bool boundary_closed(std::string_view raw, char const *boundary)
{
	if (!boundary || !*boundary)
		return true;
	std::string closing = "--";
	closing += boundary;
	closing += "--";
	return raw.find(closing) != std::string_view::npos;
}

void walk(GMimeObject *object, int depth, walk_state &state)
{
	if (!object)
		return;
	if (++state.parts > state.limits.max_parts) {
		add_signal(state.out.structure, "mime.part_limit",
		           "more than " + std::to_string(state.limits.max_parts) + " MIME parts");
		return;
	}
	if (static_cast<std::size_t>(depth) > state.limits.max_depth) {
		add_signal(state.out.structure, "mime.depth_limit",
		           "MIME nesting deeper than " + std::to_string(state.limits.max_depth));
		return;
	}
	if (GMIME_IS_MULTIPART(object)) {
		GMimeMultipart *multipart = GMIME_MULTIPART(object);
		if (!boundary_closed(state.raw, g_mime_multipart_get_boundary(multipart)))
			add_signal(state.out.structure, "mime.unclosed_multipart",
			           "multipart without closing boundary");
		int count = g_mime_multipart_get_count(multipart);
		for (int i = 0; i < count; ++i)
			walk(g_mime_multipart_get_part(multipart, i), depth + 1, state);
	} else if (GMIME_IS_MESSAGE_PART(object)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
		if (inner)
			walk(g_mime_message_get_mime_part(inner), depth + 1, state);
	} else if (GMIME_IS_PART(object)) {
		walk_leaf(GMIME_PART(object), depth, state);
	}
}

void collect_links(parsed_message &out)
{
	out.links = html_links(out.html);
	auto bare = text_links(out.text, out.links.size() < 1000 ? 1000 - out.links.size() : 0);
	out.links.insert(out.links.end(), std::make_move_iterator(bare.begin()),
	                 std::make_move_iterator(bare.end()));
}

void inspect_attachments(walk_state &state)
{
	if (state.pending.empty())
		return;
	std::string message_text =
	        state.out.subject + "\n" + state.out.text + "\n" + state.out.html;
	inspect_context ctx{state.limits, message_text, 0, 0};
	for (auto &pending : state.pending) {
		std::vector<attachment> nested;
		inspect_attachment(pending.att, stream_bytes(pending.content.get()), ctx, nested);
		pending.content.reset(); // free the bytes as we go
		state.out.attachments.push_back(std::move(pending.att));
		for (auto &inner : nested)
			state.out.attachments.push_back(std::move(inner));
	}
}

void parse_into(std::string_view raw, parse_limits const &limits, parsed_message &out)
{
	detail::ensure_gmime();
	raw = strip_mbox_from_line(raw);
	bool cut = false;
	raw = cut_excess_parts(raw, limits, cut);
	if (cut) {
		out.truncated = true;
		add_signal(out.structure, "mime.part_limit",
		           "message cut after too many boundary lines");
	}

	GMimeParserOptions *options = thread_parser_options();
	g_mime_parser_options_set_warning_callback(options, on_parser_warning, &out.structure);
	gobject_ptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
	gobject_ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
	g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
	gobject_ptr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), options));
	g_mime_parser_options_set_warning_callback(options, nullptr, nullptr);
	if (!message) {
		add_signal(out.structure, "mime.malformed", "no message could be read");
		out.text = detail::to_utf8(
		        raw.substr(0, std::min(raw.size(), limits.max_decoded_bytes)), {});
		return;
	}

	read_headers(message.get(), out);
	walk_state state{raw, limits, out, 0, 0, {}};
	walk(g_mime_message_get_mime_part(message.get()), 0, state);
	collect_links(out);
	inspect_attachments(state);
}

} // namespace

parsed_message parse_message(std::string_view raw, parse_limits const &limits)
{
	parsed_message out;
	try {
		parse_into(raw, limits, out);
	} catch (std::exception const &e) {
		// Only allocation failure can get here; report what we have.
		add_signal(out.structure, "mime.malformed",
		           std::string("parse stopped: ") + e.what());
	}
	return out;
}

} // namespace ai
