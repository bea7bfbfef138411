// Rule identifiers raised while parsing a message and inspecting its
// attachments. They are stable: the model file gives each a weight, and
// reports name them. Each id is "area.what".
//
// Structure (parsed_message::structure):
//   mime.unclosed_multipart   a multipart with no closing boundary
//   mime.depth_limit          nesting deeper than parse_limits::max_depth
//   mime.part_limit           more parts than parse_limits::max_parts
//   mime.size_limit           decoded content beyond max_decoded_bytes
//   mime.malformed            the parser reported broken structure
//   mime.multipart_without_boundary
//   mime.invalid_header       a header line that is not a header
//   mime.conflicting_header   a header that must appear once, twice over
//   mime.invalid_encoded_word a broken RFC 2047 encoded word
//   mime.unencoded_8bit_header raw 8-bit bytes in a header
//   mime.truncated            the message ends in the middle of a part
//
// Attachments (attachment::findings):
//   attachment.executable     PE, ELF, Mach-O, MSI, JAR... by content or name
//   attachment.script         JS, VBS, HTA, PS1, BAT, WSF... by name or content
//   attachment.shortcut       Windows shortcut (LNK) or URL/SCF file
//   attachment.chm            compiled HTML help
//   attachment.onenote        OneNote section (.one)
//   attachment.disk_image     ISO, IMG, VHD(X), DMG
//   attachment.type_mismatch  content type disagrees with the file name
//   attachment.double_extension  "invoice.pdf.exe"
//   attachment.rtl_override   U+202E in the name ("invoice<RLO>fdp.exe")
//   attachment.invisible_character  zero-width or other bidi controls
//   attachment.padding        spaces or dots pushing the extension away
//   archive.encrypted         an encrypted archive entry we could not open
//   archive.password_in_message  encrypted, and a word from the message opened it
//   archive.bomb              expansion ratio or total size beyond the limits
//   archive.depth_limit       archives nested deeper than max_archive_depth
//   archive.entry_limit       more entries than max_archive_entries
//   archive.unreadable        the archive is damaged or of an unknown layout
//   office.vba_macro          VBA project (OLE streams or vbaProject.bin)
//   office.macro_extension    a macro-enabled name: .docm, .xlsm, .pptm...
//   office.encrypted          an encrypted Office document (cannot be scanned)
//   office.ole_package        an embedded OLE package object (Ole10Native)
//   office.equation_editor    an Equation Editor object (old exploit path)
//   office.rtf_object         an RTF document embedding an OLE object
//   office.external_relationship  OOXML part loading a remote template/object
//   pdf.javascript            /JavaScript or /JS
//   pdf.open_action           /OpenAction or /AA (runs on open)
//   pdf.launch                /Launch (starts a program)
//   pdf.embedded_file         /EmbeddedFile
//   pdf.submit_form           /SubmitForm (sends form data away)
//   pdf.name_obfuscation      one of these names written with #xx escapes
//   html.smuggling            script assembling a large blob for download
//   html.password_form        an attached HTML page asking for a password
//   html.redirect             an attached HTML page that sends the reader away
#pragma once

#include <string_view>

namespace ai::rules {

struct rule_info {
	std::string_view id;
	std::string_view description;
};

// Every rule parse_message() can raise, for models and documentation.
inline constexpr rule_info parse_rules[] = {
        {"mime.unclosed_multipart", "multipart without closing boundary"},
        {"mime.depth_limit", "MIME nesting beyond the limit"},
        {"mime.part_limit", "more MIME parts than the limit"},
        {"mime.size_limit", "decoded content beyond the limit"},
        {"mime.malformed", "malformed MIME structure"},
        {"mime.multipart_without_boundary", "multipart without boundary parameter"},
        {"mime.invalid_header", "invalid header line"},
        {"mime.conflicting_header", "single header repeated with another value"},
        {"mime.invalid_encoded_word", "invalid RFC 2047 encoded word"},
        {"mime.unencoded_8bit_header", "raw 8-bit bytes in a header"},
        {"mime.truncated", "message truncated inside a part"},
        {"attachment.executable", "executable program"},
        {"attachment.script", "script file"},
        {"attachment.shortcut", "shortcut file"},
        {"attachment.chm", "compiled HTML help file"},
        {"attachment.onenote", "OneNote section"},
        {"attachment.disk_image", "disk image"},
        {"attachment.type_mismatch", "content does not match the file name"},
        {"attachment.double_extension", "double file extension"},
        {"attachment.rtl_override", "right-to-left override in file name"},
        {"attachment.invisible_character", "invisible character in file name"},
        {"attachment.padding", "padding hiding the extension"},
        {"archive.encrypted", "encrypted archive"},
        {"archive.password_in_message", "archive password given in the message"},
        {"archive.bomb", "archive expands beyond limits"},
        {"archive.depth_limit", "archives nested beyond the limit"},
        {"archive.entry_limit", "more archive entries than the limit"},
        {"archive.unreadable", "damaged or unknown archive"},
        {"office.vba_macro", "VBA macro project"},
        {"office.macro_extension", "macro-enabled Office file name"},
        {"office.encrypted", "encrypted Office document"},
        {"office.ole_package", "embedded OLE package"},
        {"office.equation_editor", "Equation Editor object"},
        {"office.rtf_object", "RTF with an embedded object"},
        {"office.external_relationship", "remote template or object"},
        {"pdf.javascript", "PDF with JavaScript"},
        {"pdf.open_action", "PDF action on open"},
        {"pdf.launch", "PDF launch action"},
        {"pdf.embedded_file", "PDF with embedded file"},
        {"pdf.submit_form", "PDF form submitting data"},
        {"pdf.name_obfuscation", "PDF action name hidden by escapes"},
        {"html.smuggling", "HTML smuggling a payload"},
        {"html.password_form", "HTML attachment asking for a password"},
        {"html.redirect", "HTML attachment redirecting the reader"},
};

} // namespace ai::rules
