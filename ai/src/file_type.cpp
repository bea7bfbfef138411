#include "file_type.hpp"

#include <magic.h>

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "ai/inspect.hpp"

namespace ai {
namespace detail {
namespace {

bool has_at(std::string_view bytes, std::size_t offset, std::string_view magic)
{
	return bytes.size() >= offset + magic.size() &&
	       bytes.compare(offset, magic.size(), magic) == 0;
}

bool looks_like_html(std::string_view bytes)
{
	std::string_view head = bytes.substr(0, 1024);
	std::size_t i = 0;
	if (head.starts_with("\xEF\xBB\xBF"))
		i = 3;
	while (i < head.size() &&
	       (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
		++i;
	if (i >= head.size() || head[i] != '<')
		return false;
	std::string lower(head.substr(i, 64));
	for (char &c : lower)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	for (char const *tag : {"<!doctype html", "<html", "<head", "<body", "<script", "<svg",
	                        "<meta", "<iframe", "<div", "<form"})
		if (lower.starts_with(tag))
			return true;
	return false;
}

bool is_tar(std::string_view bytes)
{
	return has_at(bytes, 257, "ustar");
}

} // namespace

content_kind sniff_content(std::string_view b)
{
	using k = content_kind;
	if (has_at(b, 0, "MZ"))
		return k::pe;
	if (has_at(b, 0,
	           "\x7F"
	           "ELF"))
		return k::elf;
	if (has_at(b, 0, "\xFE\xED\xFA\xCE") || has_at(b, 0, "\xFE\xED\xFA\xCF") ||
	    has_at(b, 0, "\xCE\xFA\xED\xFE") || has_at(b, 0, "\xCF\xFA\xED\xFE"))
		return k::mach_o;
	if (has_at(b, 0, "\xCA\xFE\xBA\xBE"))
		return b.size() > 8 && static_cast<unsigned char>(b[7]) >= 45 ? k::java_class
		                                                              : k::mach_o;
	if (has_at(b, 0, std::string_view("\x4C\x00\x00\x00\x01\x14\x02\x00", 8)))
		return k::shortcut;
	if (has_at(b, 0, "ITSF"))
		return k::chm;
	if (has_at(b, 0, "\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D"))
		return k::onenote;
	if (has_at(b, 0, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
		return k::ole;
	if (has_at(b, 0, "PK\x03\x04") || has_at(b, 0, "PK\x05\x06") || has_at(b, 0, "PK\x07\x08"))
		return k::zip;
	if (has_at(b, 0, "Rar!\x1A\x07"))
		return k::rar;
	if (has_at(b, 0, "7z\xBC\xAF\x27\x1C"))
		return k::seven_zip;
	if (has_at(b, 0, "\x1F\x8B"))
		return k::gzip;
	if (has_at(b, 0, "BZh"))
		return k::bzip2;
	if (has_at(b, 0,
	           "\xFD"
	           "7zXZ"))
		return k::xz;
	if (has_at(b, 0, "MSCF"))
		return k::cab;
	if (has_at(b, 0, "%PDF") || b.substr(0, 1024).find("%PDF-") != std::string_view::npos)
		return k::pdf;
	if (has_at(b, 0, "{\\rt"))
		return k::rtf;
	if (has_at(b, 0x8001, "CD001") || has_at(b, 0x8801, "CD001") || has_at(b, 0x9001, "CD001"))
		return k::iso;
	if (has_at(b, 0, "vhdxfile"))
		return k::vhdx;
	if (has_at(b, 0, "conectix") || (b.size() >= 512 && has_at(b, b.size() - 512, "conectix")))
		return k::vhd;
	if (b.size() >= 512 && has_at(b, b.size() - 512, "koly"))
		return k::dmg;
	if (is_tar(b))
		return k::tar;
	if (has_at(b, 0, "070707") || has_at(b, 0, "070701") || has_at(b, 0, "070702") ||
	    has_at(b, 0, "\xC7\x71") || has_at(b, 0, "\x71\xC7"))
		return k::cpio;
	if (has_at(b, 0, "\x60\xEA") || has_at(b, 7, "**ACE**") ||
	    (has_at(b, 2, "-lh") && b.size() > 6 && b[6] == '-'))
		return k::unsupported_archive;
	if (has_at(b, 0, "\x89PNG") || has_at(b, 0, "\xFF\xD8\xFF") || has_at(b, 0, "GIF8"))
		return k::image;
	if (has_at(b, 0, "#!"))
		return k::script_shebang;
	if (looks_like_html(b))
		return k::html;
	return k::unknown;
}

bool is_program(content_kind kind)
{
	using k = content_kind;
	return kind == k::pe || kind == k::elf || kind == k::mach_o || kind == k::java_class;
}

bool is_archive(content_kind kind)
{
	using k = content_kind;
	return kind == k::zip || kind == k::rar || kind == k::seven_zip || kind == k::gzip ||
	       kind == k::bzip2 || kind == k::xz || kind == k::cab || kind == k::tar ||
	       kind == k::cpio || kind == k::iso;
}

bool is_disk_image(content_kind kind)
{
	using k = content_kind;
	return kind == k::iso || kind == k::vhd || kind == k::vhdx || kind == k::dmg;
}

char const *kind_name(content_kind kind)
{
	using k = content_kind;
	switch (kind) {
	case k::pe:
		return "Windows executable";
	case k::elf:
		return "ELF executable";
	case k::mach_o:
		return "Mach-O executable";
	case k::java_class:
		return "Java class";
	case k::shortcut:
		return "Windows shortcut";
	case k::chm:
		return "compiled HTML help";
	case k::onenote:
		return "OneNote section";
	case k::ole:
		return "OLE compound file";
	case k::zip:
		return "zip";
	case k::rar:
		return "RAR";
	case k::seven_zip:
		return "7-Zip";
	case k::gzip:
		return "gzip";
	case k::bzip2:
		return "bzip2";
	case k::xz:
		return "xz";
	case k::cab:
		return "cabinet";
	case k::tar:
		return "tar";
	case k::cpio:
		return "cpio";
	case k::unsupported_archive:
		return "ARJ, ACE or LZH archive";
	case k::iso:
		return "ISO 9660 image";
	case k::vhd:
		return "VHD disk image";
	case k::vhdx:
		return "VHDX disk image";
	case k::dmg:
		return "Apple disk image";
	case k::pdf:
		return "PDF";
	case k::rtf:
		return "RTF";
	case k::html:
		return "HTML";
	case k::image:
		return "image";
	case k::script_shebang:
		return "script";
	case k::unknown:
		break;
	}
	return "unknown";
}

namespace {

// libmagic handles are not thread-safe and loading the database costs
// milliseconds, so loaded handles are pooled: a thread borrows one for a
// call. The pool grows to the number of threads calling at once.
class magic_pool {
      public:
	magic_pool() = default;
	magic_pool(magic_pool const &) = delete;
	magic_pool &operator=(magic_pool const &) = delete;
	~magic_pool()
	{
		for (magic_t handle : idle_)
			magic_close(handle);
	}

	magic_t acquire()
	{
		{
			std::lock_guard lock(mutex_);
			if (!idle_.empty()) {
				magic_t handle = idle_.back();
				idle_.pop_back();
				return handle;
			}
		}
		magic_t handle =
		        magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
		if (handle && magic_load(handle, nullptr) != 0) {
			magic_close(handle);
			return nullptr;
		}
		return handle;
	}

	void release(magic_t handle)
	{
		if (!handle)
			return;
		std::lock_guard lock(mutex_);
		idle_.push_back(handle);
	}

      private:
	std::mutex mutex_;
	std::vector<magic_t> idle_;
};

magic_pool &pool()
{
	static magic_pool instance;
	return instance;
}

} // namespace
} // namespace detail

std::string detect_mime_type(std::string_view content)
{
	if (content.empty())
		return "application/x-empty";
	auto &pool = detail::pool();
	magic_t handle = pool.acquire();
	if (!handle)
		return "application/octet-stream";
	// The start says enough for every type we act on; a cap keeps
	// libmagic's text heuristics from reading megabytes.
	std::size_t length = std::min<std::size_t>(content.size(), 256 * 1024);
	char const *type = magic_buffer(handle, content.data(), length);
	std::string result = type ? type : "application/octet-stream";
	pool.release(handle);
	return result;
}

} // namespace ai
