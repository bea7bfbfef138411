// The server's maps: loading at start, reloading on SIGHUP or when a
// file changes (verify first, swap only on success), and answering a
// request from them.
#include <sys/stat.h>
#include <syslog.h>

#include <sodium.h>

#include "blackbox/server.hpp"
#include "blackbox/socketmap.hpp"
#include "loaded_map.hpp"

namespace blackbox {
namespace fs = std::filesystem;

server::file_identity server::identify(fs::path const &path)
{
	struct stat st {};
	file_identity id;
	if (::stat(path.c_str(), &st) != 0)
		return id;
	id.dev = st.st_dev;
	id.ino = st.st_ino;
	id.size = static_cast<unsigned long long>(st.st_size);
	id.mtime = static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ULL +
	           static_cast<unsigned long long>(st.st_mtim.tv_nsec);
	id.ctime = static_cast<unsigned long long>(st.st_ctim.tv_sec) * 1000000000ULL +
	           static_cast<unsigned long long>(st.st_ctim.tv_nsec);
	return id;
}

// Opens the map's file and swaps it in; on failure the previous copy
// (if any) keeps serving. Returns whether the map now has a table.
bool server::load_map(loaded_map &m, bool quiet_if_failed_before)
{
	file_identity id = identify(m.config.file);
	if (quiet_if_failed_before && id == m.failed)
		return m.table != nullptr;
	open_options options;
	options.expected_name = m.config.table;
	options.min_generation = m.table ? m.table->header().generation : 0;
	auto opened = sealed_table::open_file(m.config.file, key_, options);
	if (!opened) {
		m.failed = id;
		m.last_error = opened.error();
		if (m.table)
			log(LOG_ERR, "map " + m.config.name +
			                     ": reload failed, still serving generation " +
			                     std::to_string(m.table->header().generation) + ": " +
			                     opened.error());
		else
			log(LOG_ERR, "map " + m.config.name + ": cannot load: " + opened.error());
		return m.table != nullptr;
	}
	m.table = *opened;
	m.identity = id;
	m.failed = {};
	auto const &h = m.table->header();
	log(LOG_INFO, "map " + m.config.name + ": loaded " + m.config.file.string() +
	                      " table=" + h.name + " generation=" + std::to_string(h.generation) +
	                      " entries=" + std::to_string(h.entry_count));
	return true;
}

tl::expected<void, std::string> server::load_tables()
{
	for (auto &[name, m] : maps_)
		if (!load_map(*m, false))
			return tl::make_unexpected(m->last_error);
	return {};
}

void server::reload_config()
{
	auto fresh = load_daemon_config(config_.source);
	if (!fresh) {
		log(LOG_ERR, "reload: keeping the current configuration: " + fresh.error());
		return;
	}
	for (auto const &s : daemon_settings()) {
		if (s.reloadable)
			continue;
		std::string name = s.name;
		bool changed = (name == "listen" &&
		                [&] {
			                if (fresh->listen.size() != config_.listen.size())
				                return true;
			                for (std::size_t i = 0; i < fresh->listen.size(); ++i)
				                if (fresh->listen[i].text != config_.listen[i].text)
					                return true;
			                return false;
		                }()) ||
		               (name == "key_file" && fresh->key_file != config_.key_file) ||
		               (name == "user" && fresh->user != config_.user);
		if (changed)
			log(LOG_WARNING,
			    "reload: " + name + " changed; it applies after a restart");
	}
	fresh->listen = config_.listen;
	fresh->key_file = config_.key_file;
	fresh->user = config_.user;

	// Build the new set of maps, then swap: unchanged maps keep their
	// table; a map whose new file fails keeps its old table.
	std::map<std::string, std::unique_ptr<loaded_map>> next;
	for (auto const &mc : fresh->maps) {
		auto old = maps_.find(mc.name);
		std::unique_ptr<loaded_map> m;
		if (old != maps_.end() && old->second->config.table == mc.table) {
			m = std::move(old->second);
			bool same_file = m->config.file == mc.file;
			m->config = mc;
			if (!same_file || identify(mc.file) != m->identity)
				load_map(*m, false);
		} else {
			m = std::make_unique<loaded_map>();
			m->config = mc;
			load_map(*m, false);
		}
		next.emplace(mc.name, std::move(m));
	}
	maps_ = std::move(next);
	config_ = std::move(*fresh);
	log(LOG_INFO, "reload: configuration " + config_.source.string() + " applied");
}

void server::check_files()
{
	for (auto &[name, m] : maps_)
		if (identify(m->config.file) != m->identity)
			load_map(*m, true);
}

std::string server::answer(std::string_view payload)
{
	auto request = parse_socketmap_request(payload);
	if (!request)
		return socketmap_perm(request.error());
	auto it = maps_.find(std::string(request->name));
	if (it == maps_.end()) {
		if (debug_)
			log(LOG_DEBUG,
			    "lookup map=" + std::string(request->name) + " result=unknown");
		return socketmap_perm("unknown map");
	}
	auto const &table = it->second->table;
	if (!table)
		return socketmap_temp("map " + it->first + " is not loaded");
	auto value = table->lookup(request->key);
	if (!value) {
		log(LOG_ERR, "map " + it->first + ": " + value.error());
		return socketmap_temp("lookup failed");
	}
	if (debug_)
		log(LOG_DEBUG, "lookup map=" + it->first +
		                       " result=" + (value->has_value() ? "found" : "notfound"));
	if (!value->has_value())
		return socketmap_notfound();
	std::string found = std::move(**value);
	std::string reply = socketmap_ok(found);
	::sodium_memzero(found.data(), found.size());
	return reply;
}

} // namespace blackbox
