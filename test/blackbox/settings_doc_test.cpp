// The settings table in the code, the man page and the example
// configuration must tell the same story.
#include <doctest/doctest.h>

#include "blackbox/daemon_config.hpp"
#include "lab.hpp"

using namespace blackbox;

namespace {

// The man page paragraph of `.It Cm NAME`, up to the next item.
std::string man_item(std::string const &page, std::string const &name)
{
	std::size_t at = page.find(".It Cm " + name + " ");
	if (at == std::string::npos)
		return {};
	std::size_t end = page.find("\n.It ", at + 1);
	return page.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

} // namespace

TEST_CASE("every setting is documented with its default and when it applies")
{
	std::string page = lab::read_file(lab::source_dir() / "man" / "blackboxd.conf.5");
	REQUIRE_FALSE(page.empty());
	for (auto const &s : daemon_settings()) {
		std::string item = man_item(page, s.name);
		REQUIRE_MESSAGE(!item.empty(), s.name);
		if (*s.default_value != '\0')
			CHECK_MESSAGE(item.find(s.default_value) != std::string::npos, s.name);
		bool start_only = item.find("Pq start") != std::string::npos;
		CHECK_MESSAGE(start_only == !s.reloadable, s.name);
	}
}

TEST_CASE("the example configuration parses and mentions every setting")
{
	std::string example = lab::read_file(lab::source_dir() / "etc" / "blackboxd.conf");
	REQUIRE_FALSE(example.empty());
	auto config = parse_daemon_config(example, "etc/blackboxd.conf", "/etc/blackbox");
	REQUIRE_MESSAGE(config, config.error());
	CHECK(config->maps.size() == 4);
	for (auto const &s : daemon_settings())
		CHECK_MESSAGE(example.find(std::string(s.name) + " ") != std::string::npos, s.name);
}
