// Helpers that build test messages: base64, charset encoding and a MIME
// wrapper for attachments. Header-only, for the ai tests.
#pragma once

#include <iconv.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ai/message.hpp"

namespace fixtures {

inline std::string base64(std::string_view bytes, std::size_t line = 76)
{
	static constexpr char alphabet[] =
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	std::string out;
	std::size_t column = 0;
	for (std::size_t i = 0; i < bytes.size(); i += 3) {
		unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
		if (i + 1 < bytes.size())
			v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
		if (i + 2 < bytes.size())
			v |= static_cast<unsigned char>(bytes[i + 2]);
		out += alphabet[(v >> 18) & 63];
		out += alphabet[(v >> 12) & 63];
		out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
		out += i + 2 < bytes.size() ? alphabet[v & 63] : '=';
		column += 4;
		if (line && column >= line) {
			out += "\r\n";
			column = 0;
		}
	}
	return out;
}

// UTF-8 text re-encoded in `charset` with iconv (the test's own
// encoder: the library only ever decodes).
inline std::string encode(std::string_view utf8, char const *charset)
{
	iconv_t cd = iconv_open(charset, "UTF-8");
	if (cd == reinterpret_cast<iconv_t>(-1))
		throw std::runtime_error(std::string("no iconv for ") + charset);
	std::string out(utf8.size() * 4 + 16, '\0');
	char *in = const_cast<char *>(utf8.data());
	std::size_t in_left = utf8.size();
	char *dst = out.data();
	std::size_t dst_left = out.size();
	std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
	iconv(cd, nullptr, nullptr, &dst, &dst_left);
	iconv_close(cd);
	if (rc == static_cast<std::size_t>(-1))
		throw std::runtime_error("cannot encode test text");
	out.resize(out.size() - dst_left);
	return out;
}

// An RFC 2047 encoded word holding `utf8` in `charset`.
inline std::string encoded_word(std::string_view utf8, char const *charset)
{
	return std::string("=?") + charset + "?B?" + base64(encode(utf8, charset), 0) + "?=";
}

// RFC 2231 percent encoding of raw bytes.
inline std::string percent(std::string_view bytes)
{
	static constexpr char hex[] = "0123456789ABCDEF";
	std::string out;
	for (char c : bytes) {
		unsigned char u = static_cast<unsigned char>(c);
		if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
		    u == '.')
			out += c;
		else {
			out += '%';
			out += hex[u >> 4];
			out += hex[u & 15];
		}
	}
	return out;
}

// A message with a short text body and one base64 attachment.
// `disposition_params` is the rest of the Content-Disposition line,
// e.g. `filename="a.zip"`.
inline std::string
message_with_attachment(std::string_view content, std::string_view disposition_params,
                        std::string_view content_type = "application/octet-stream",
                        std::string_view body = "Please see the attached file.")
{
	std::string m = "From: Sender <sender@example.com>\r\n"
	                "To: victim@example.net\r\n"
	                "Subject: attachment test\r\n"
	                "Date: Thu, 03 Dec 2026 10:00:00 +0900\r\n"
	                "Message-ID: <fixture@example.com>\r\n"
	                "MIME-Version: 1.0\r\n"
	                "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	                "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n";
	m += body;
	m += "\r\n--b1\r\nContent-Type: ";
	m += content_type;
	m += "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; ";
	m += disposition_params;
	m += "\r\n\r\n";
	m += base64(content);
	m += "\r\n--b1--\r\n";
	return m;
}

inline bool has_rule(std::vector<ai::signal> const &signals, std::string_view rule)
{
	return std::any_of(signals.begin(), signals.end(),
	                   [&](auto const &s) { return s.rule == rule; });
}

// True when any attachment (nested ones included) carries `rule`.
inline bool any_attachment_has(ai::parsed_message const &m, std::string_view rule)
{
	return std::any_of(m.attachments.begin(), m.attachments.end(),
	                   [&](auto const &a) { return has_rule(a.findings, rule); });
}

} // namespace fixtures
