// What a file is, from its first bytes (and a few known offsets), for
// the decisions libmagic's MIME strings make awkward.
#pragma once

#include <string_view>

namespace ai::detail {

enum class content_kind {
	unknown,
	pe, // Windows executable or DLL ("MZ")
	elf,
	mach_o,
	java_class,
	shortcut, // Windows .lnk
	chm,
	onenote,
	ole, // OLE compound file: .doc/.xls/.ppt/.msi/.msg
	zip, // also OOXML, JAR, APK, ODF
	rar,
	seven_zip,
	gzip,
	bzip2,
	xz,
	cab,
	tar,
	cpio,
	unsupported_archive, // ARJ, ACE, LZH: real archives we cannot open
	iso,
	vhd,
	vhdx,
	dmg,
	pdf,
	rtf,
	html,
	image,
	script_shebang,
};

content_kind sniff_content(std::string_view bytes);

// Kinds whose content runs as a program on a double click.
bool is_program(content_kind kind);

// Kinds libarchive can open and list.
bool is_archive(content_kind kind);

bool is_disk_image(content_kind kind);

char const *kind_name(content_kind kind);

} // namespace ai::detail
