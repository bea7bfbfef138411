#include "blackbox/socketmap.hpp"

namespace blackbox {

tl::expected<socketmap_request, std::string> parse_socketmap_request(std::string_view payload)
{
	std::size_t space = payload.find(' ');
	if (space == std::string_view::npos)
		return tl::make_unexpected(
		        std::string("request has no space between name and key"));
	if (space == 0)
		return tl::make_unexpected(std::string("request has an empty map name"));
	std::string_view name = payload.substr(0, space);
	for (char c : name)
		if (c <= ' ' || c > '~')
			return tl::make_unexpected(
			        std::string("map name has a control or non-ASCII byte"));
	return socketmap_request{name, payload.substr(space + 1)};
}

std::string socketmap_ok(std::string_view value)
{
	std::string reply("OK ");
	reply += value;
	return netstring_encode(reply);
}

std::string socketmap_notfound()
{
	return netstring_encode("NOTFOUND ");
}

std::string socketmap_temp(std::string_view reason)
{
	return netstring_encode("TEMP " + std::string(reason));
}

std::string socketmap_perm(std::string_view reason)
{
	return netstring_encode("PERM " + std::string(reason));
}

socketmap_reader::result socketmap_reader::next()
{
	std::string_view rest(buffer_);
	rest.remove_prefix(start_);
	auto r = netstring_parse(rest, max_request_);
	switch (r.status) {
	case netstring_status::complete: {
		result out{status::request, std::string(r.payload), {}};
		start_ += r.consumed;
		// Compact once the consumed prefix dominates the buffer.
		if (start_ == buffer_.size()) {
			buffer_.clear();
			start_ = 0;
		} else if (start_ > 4096 && start_ * 2 > buffer_.size()) {
			buffer_.erase(0, start_);
			start_ = 0;
		}
		return out;
	}
	case netstring_status::incomplete:
		return {status::need_more, {}, {}};
	case netstring_status::malformed:
		break;
	}
	return {status::malformed, {}, r.error != nullptr ? r.error : "malformed netstring"};
}

} // namespace blackbox
