// inspect_attachment(): what an attachment is, against what it claims
// to be, then the inspector for its kind.
#include <algorithm>
#include <array>
#include <string>

#include "ai/filename.hpp"
#include "ai/inspect.hpp"
#include "file_type.hpp"

namespace ai {
namespace {

using detail::content_kind;

void add_finding(attachment &att, std::string_view rule, std::string detail, double strength = 1.0)
{
	for (auto const &f : att.findings)
		if (f.rule == rule)
			return;
	att.findings.push_back({std::string(rule), std::move(detail), strength});
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> list)
{
	return std::find(list.begin(), list.end(), value) != list.end();
}

bool is_script_extension(std::string_view ext)
{
	return one_of(ext, {"js",  "jse", "vbs", "vbe", "wsf", "wsh", "wsc", "hta", "ps1", "psm1",
	                    "bat", "cmd", "reg", "sct", "vba", "ahk", "au3", "a3x", "sh",  "py"});
}

bool is_program_extension(std::string_view ext)
{
	return one_of(ext, {"exe", "scr", "com", "pif", "dll", "cpl", "msi", "msp", "msix", "appx",
	                    "jar", "app", "elf", "bin", "gadget", "xll", "ocx", "sys", "apk"});
}

bool is_disk_image_extension(std::string_view ext)
{
	return one_of(ext, {"iso", "img", "vhd", "vhdx", "dmg", "udf"});
}

// The file family a name's extension promises, or "" when it promises
// nothing we can check.
std::string_view family_of_extension(std::string_view ext)
{
	if (one_of(ext, {"doc", "xls", "ppt", "msg", "dot", "xlt", "pps"}))
		return "ole";
	if (one_of(ext, {"docx", "xlsx", "pptx", "docm", "xlsm", "pptm", "dotm", "xltm", "xlam",
	                 "ppsx", "odt", "ods", "odp", "zip", "jar", "apk", "epub"}))
		return "zip";
	if (ext == "pdf")
		return "pdf";
	if (one_of(ext, {"jpg", "jpeg", "png", "gif"}))
		return "image";
	if (one_of(ext, {"txt", "csv", "log"}))
		return "text";
	if (ext == "rtf")
		return "rtf";
	if (one_of(ext, {"htm", "html", "shtml", "svg", "xhtml"}))
		return "html";
	if (one_of(ext, {"rar", "7z", "gz", "tgz", "bz2", "xz", "cab", "tar", "iso", "img", "exe",
	                 "scr", "dll", "com", "lnk", "one", "chm"}))
		return "container"; // checked by the program and archive rules instead
	return "";
}

std::string_view family_of_content(content_kind kind)
{
	using k = content_kind;
	switch (kind) {
	case k::ole:
		return "ole";
	case k::zip:
		return "zip";
	case k::pdf:
		return "pdf";
	case k::image:
		return "image";
	case k::rtf:
		return "rtf";
	case k::html:
		return "html";
	case k::pe:
	case k::elf:
	case k::mach_o:
	case k::java_class:
		return "program";
	case k::shortcut:
		return "shortcut";
	case k::rar:
	case k::seven_zip:
	case k::gzip:
	case k::bzip2:
	case k::xz:
	case k::cab:
	case k::tar:
	case k::cpio:
	case k::unsupported_archive:
		return "archive";
	default:
		return "";
	}
}

// RTF files are routinely saved as .doc, which Word opens happily.
bool harmless_mismatch(std::string_view promised, std::string_view actual)
{
	return promised == "ole" && actual == "rtf";
}

void check_name(attachment &att)
{
	for (filename_trick trick : find_filename_tricks(att.filename)) {
		switch (trick) {
		case filename_trick::double_extension:
			add_finding(att, "attachment.double_extension",
			            "double extension: " + att.filename);
			break;
		case filename_trick::invisible_character:
			if (att.filename.find("\xE2\x80\xAE") != std::string::npos)
				add_finding(att, "attachment.rtl_override",
				            "right-to-left override in name");
			else
				add_finding(att, "attachment.invisible_character",
				            "invisible character in name");
			break;
		case filename_trick::padding:
			add_finding(att, "attachment.padding",
			            "padding hides the extension: " + att.filename);
			break;
		}
	}
}

void check_kind(attachment &att, content_kind kind, std::string_view ext)
{
	using k = content_kind;
	if (detail::is_program(kind))
		add_finding(att, "attachment.executable", std::string(detail::kind_name(kind)));
	else if (is_program_extension(ext) && ext != "bin")
		add_finding(att, "attachment.executable", "program name: ." + std::string(ext),
		            0.7);

	bool script_content = kind == k::script_shebang ||
	                      att.detected_type == "text/x-msdos-batch" ||
	                      att.detected_type == "application/javascript";
	if (is_script_extension(ext) || script_content)
		add_finding(att, "attachment.script",
		            "script: " +
		                    (ext.empty() ? att.detected_type : "." + std::string(ext)));
	if (kind == k::shortcut ||
	    one_of(ext, {"lnk", "url", "scf", "website", "library-ms", "settingcontent-ms"}))
		add_finding(att, "attachment.shortcut", "shortcut file");
	if (kind == k::chm || ext == "chm")
		add_finding(att, "attachment.chm", "compiled HTML help");
	if (kind == k::onenote || ext == "one" || ext == "onepkg")
		add_finding(att, "attachment.onenote", "OneNote section");
	if (detail::is_disk_image(kind) || is_disk_image_extension(ext))
		add_finding(att, "attachment.disk_image",
		            std::string(detail::kind_name(kind)) + " ." + std::string(ext));
	if (one_of(ext, {"docm", "xlsm", "pptm", "dotm", "xltm", "xlam", "ppam", "potm", "sldm"}))
		add_finding(att, "office.macro_extension",
		            "macro-enabled name: ." + std::string(ext), 0.5);

	std::string_view promised = family_of_extension(ext);
	std::string_view actual = family_of_content(kind);
	if (!promised.empty() && promised != "container" && !actual.empty() && promised != actual &&
	    !harmless_mismatch(promised, actual))
		add_finding(att, "attachment.type_mismatch",
		            "named ." + std::string(ext) + " but is " + detail::kind_name(kind));
}

// RTF documents carry OLE objects as hex text (\\objdata); the
// Package class drops a file, Equation.3 is the old exploit path.
void inspect_rtf(std::string_view content, std::vector<signal> &findings)
{
	if (content.find("\\objdata") == std::string_view::npos)
		return;
	if (content.find("\\objclass Package") != std::string_view::npos) {
		findings.push_back({"office.ole_package", "RTF embeds a Package object", 1.0});
		return;
	}
	if (content.find("Equation") != std::string_view::npos) {
		findings.push_back(
		        {"office.equation_editor", "RTF embeds an Equation object", 1.0});
		return;
	}
	findings.push_back({"office.rtf_object", "RTF embeds an OLE object", 1.0});
}

} // namespace

void inspect_attachment(attachment &att, std::string_view content, inspect_context &ctx,
                        std::vector<attachment> &nested)
{
	att.size = content.size();
	att.detected_type = detect_mime_type(content);
	std::string ext = filename_extension(att.filename);
	content_kind kind = detail::sniff_content(content);
	check_name(att);
	check_kind(att, kind, ext);

	using k = content_kind;
	if (detail::is_archive(kind))
		inspect_archive(att, content, ctx, nested);
	else if (kind == k::unsupported_archive)
		add_finding(att, "archive.unreadable",
		            std::string(detail::kind_name(kind)) + " not inspected", 0.5);
	else if (kind == k::rtf)
		inspect_rtf(content, att.findings);
	else if (kind == k::ole)
		inspect_ole(content, att.findings);
	else if (kind == k::pdf)
		inspect_pdf(content, att.findings, &att.urls);
	else if (kind == k::html || one_of(ext, {"htm", "html", "shtml", "svg", "xhtml", "hta"}))
		inspect_html(content, att.findings);
}

} // namespace ai
