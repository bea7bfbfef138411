// Archives through libarchive: every entry is read within a byte budget
// and inspected like an attachment, so a bomb stops at the budget and a
// payload hidden two archives deep is still seen. OOXML and ODF
// documents are zips too: for them only the parts that carry macros or
// remote references are read.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <memory>
#include <string>

#include "ai/inspect.hpp"
#include "charset.hpp"

namespace ai {
namespace {

struct archive_free {
	void operator()(struct archive *a) const { archive_read_free(a); }
};
using archive_ptr = std::unique_ptr<struct archive, archive_free>;

void add_finding(std::vector<signal> &findings, std::string_view rule, std::string detail,
                 double strength = 1.0)
{
	for (auto const &f : findings)
		if (f.rule == rule)
			return;
	findings.push_back({std::string(rule), std::move(detail), strength});
}

std::string lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

archive_ptr open_archive(std::string_view content, std::vector<std::string> const &passwords)
{
	archive_ptr a(archive_read_new());
	if (!a)
		return nullptr;
	archive_read_support_filter_all(a.get());
	archive_read_support_format_all(a.get());
	// A lone gzip, bzip2 or xz stream holds one unnamed file.
	archive_read_support_format_raw(a.get());
	for (auto const &password : passwords)
		archive_read_add_passphrase(a.get(), password.c_str());
	if (archive_read_open_memory(a.get(), content.data(), content.size()) != ARCHIVE_OK)
		return nullptr;
	return a;
}

// What one pass over an archive learnt.
struct archive_pass {
	bool encrypted = false;          // an entry is encrypted
	bool unopened_encrypted = false; // ...and could not be read
	bool opened_encrypted = false;   // ...and a password from the message opened it
	bool office = false;             // OOXML or ODF document
	bool java = false;
	std::size_t entries = 0;
};

enum class read_result { ok, over_budget, failed };

// Reads the current entry's data into `out`, stopping past `budget` bytes.
read_result read_entry(struct archive *a, std::size_t budget, std::string &out)
{
	out.clear();
	char buffer[64 * 1024];
	for (;;) {
		la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
		if (n == 0)
			return read_result::ok;
		if (n < 0)
			return read_result::failed;
		if (out.size() + static_cast<std::size_t>(n) > budget)
			return read_result::over_budget;
		out.append(buffer, static_cast<std::size_t>(n));
	}
}

// Word, Excel and PowerPoint parts that matter for threats.
bool office_part_of_interest(std::string_view lower_name)
{
	return lower_name.ends_with("vbaproject.bin") || lower_name.ends_with(".rels") ||
	       lower_name.find("embeddings/") != std::string_view::npos ||
	       lower_name.starts_with("basic/");
}

// The value of attribute `name` in an XML tag, "" if absent.
std::string_view xml_attribute(std::string_view tag, std::string_view name)
{
	std::string pattern = " " + std::string(name) + "=\"";
	std::size_t at = tag.find(pattern);
	if (at == std::string_view::npos)
		return {};
	at += pattern.size();
	std::size_t end = tag.find('"', at);
	return end == std::string_view::npos ? std::string_view{} : tag.substr(at, end - at);
}

// Relationships with TargetMode="External": hyperlinks become the
// attachment's URLs; templates, frames and objects fetched from a remote
// server on opening are a finding (template injection).
void inspect_relationships(std::string_view rels, std::string_view part, attachment &att)
{
	for (std::size_t at = rels.find("<Relationship "); at != std::string_view::npos;
	     at = rels.find("<Relationship ", at + 1)) {
		std::size_t end = rels.find('>', at);
		std::string_view tag = rels.substr(
		        at, end == std::string_view::npos ? rels.size() - at : end - at);
		if (xml_attribute(tag, "TargetMode") != "External")
			continue;
		std::string_view target = xml_attribute(tag, "Target");
		std::string type = lower(xml_attribute(tag, "Type"));
		if (type.ends_with("/hyperlink")) {
			if (att.urls.size() < 100)
				att.urls.emplace_back(target);
			continue;
		}
		for (char const *remote :
		     {"/attachedtemplate", "/oleobject", "/frame", "/subdocument"})
			if (type.ends_with(remote))
				add_finding(att.findings, "office.external_relationship",
				            std::string("remote ") + (remote + 1) + " " +
				                    std::string(target) + " in " +
				                    std::string(part));
	}
}

void inspect_office_part(std::string_view lower_name, std::string_view data, attachment &att)
{
	if (lower_name.ends_with("vbaproject.bin")) {
		add_finding(att.findings, "office.vba_macro",
		            "VBA project " + std::string(lower_name));
		return;
	}
	if (lower_name.starts_with("basic/") && lower_name.ends_with(".xml") &&
	    !lower_name.ends_with("script-lc.xml")) {
		add_finding(att.findings, "office.vba_macro", "OpenDocument Basic macro");
		return;
	}
	if (lower_name.ends_with(".rels")) {
		inspect_relationships(data, lower_name, att);
		return;
	}
	inspect_ole(data, att.findings); // embedded OLE objects
}

class archive_walker {
      public:
	archive_walker(attachment &att, std::string_view content, inspect_context &ctx,
	               std::vector<attachment> &nested)
	    : att_(att), content_(content), ctx_(ctx), nested_(nested)
	{}

	// One pass over the entries. A retry (with passwords) reads only the
	// encrypted entries, the others having been seen already.
	archive_pass walk(std::vector<std::string> const &passwords, bool retry)
	{
		archive_pass pass;
		// The zip's central directory names its parts in the clear, so
		// a document is known before its first entry is read.
		pass.office =
		        content_.starts_with("PK") &&
		        (content_.find("[Content_Types].xml") != std::string_view::npos ||
		         content_.find("mimetypeapplication/vnd.oasis") != std::string_view::npos);
		archive_ptr a = open_archive(content_, passwords);
		if (!a) {
			add_finding(att_.findings, "archive.unreadable", "cannot open archive",
			            0.3);
			return pass;
		}
		std::size_t expanded_here = 0;
		std::string data;
		for (;;) {
			struct archive_entry *entry = nullptr;
			int rc = archive_read_next_header(a.get(), &entry);
			if (rc == ARCHIVE_EOF)
				break;
			if (rc == ARCHIVE_FATAL || !entry) {
				if (pass.entries == 0)
					add_finding(att_.findings, "archive.unreadable",
					            archive_error_string(a.get())
					                    ? archive_error_string(a.get())
					                    : "damaged archive",
					            0.3);
				break;
			}
			++pass.entries;
			if (++ctx_.archive_entries > ctx_.limits.max_archive_entries) {
				add_finding(
				        att_.findings, "archive.entry_limit",
				        "more than " +
				                std::to_string(ctx_.limits.max_archive_entries) +
				                " entries");
				break;
			}
			char const *raw_name = archive_entry_pathname(entry);
			std::string name = detail::to_utf8(raw_name ? raw_name : "", {});
			std::string lname = lower(name);
			if (lname == "[content_types].xml" || lname == "mimetype")
				pass.office = true;
			if (lname == "meta-inf/manifest.mf")
				pass.java = true;
			if (archive_entry_filetype(entry) != AE_IFREG)
				continue;
			bool encrypted = archive_entry_is_encrypted(entry) != 0;
			pass.encrypted |= encrypted;
			if (retry && !encrypted)
				continue;
			bool office_part = office_part_of_interest(lname);
			// In documents only parts of interest are read, but the
			// whole listing is needed to know it is a document.
			if (pass.office && !office_part && !encrypted)
				continue;

			std::size_t budget = remaining_budget(expanded_here);
			la_int64_t declared =
			        archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
			if (declared > 0 && static_cast<std::size_t>(declared) > budget) {
				report_bomb(name, static_cast<std::size_t>(declared));
				break;
			}
			read_result result = read_entry(a.get(), budget, data);
			if (result == read_result::over_budget) {
				report_bomb(name, expanded_here + data.size());
				break;
			}
			if (result == read_result::failed) {
				if (encrypted) {
					pass.unopened_encrypted = true;
					if (!retry)
						locked_.push_back(name);
				} else {
					report_unreadable(a.get(), name);
					if (!pass.office)
						add_child(std::move(name), {});
				}
				continue;
			}
			if (retry)
				opened_.push_back(name);
			if (encrypted)
				pass.opened_encrypted = true;
			expanded_here += data.size();
			ctx_.expanded_bytes += data.size();
			if (pass.office && office_part)
				inspect_office_part(lname, data, att_);
			else if (!pass.office)
				add_child(std::move(name), data);
		}
		return pass;
	}

      private:
	// Bytes the current entry may expand to: the message-wide budget,
	// and the ratio this archive's size allows.
	std::size_t remaining_budget(std::size_t expanded_here) const
	{
		auto const &limits = ctx_.limits;
		std::size_t total_left = limits.max_archive_expanded > ctx_.expanded_bytes
		                                 ? limits.max_archive_expanded - ctx_.expanded_bytes
		                                 : 0;
		// Small archives may still hold a few MiB of highly regular text.
		double by_ratio =
		        std::max(limits.max_expansion_ratio * static_cast<double>(content_.size()),
		                 4.0 * 1024 * 1024);
		std::size_t ratio_left =
		        by_ratio > static_cast<double>(expanded_here)
		                ? static_cast<std::size_t>(by_ratio) - expanded_here
		                : 0;
		return std::min(total_left, ratio_left);
	}

	void report_bomb(std::string const &name, std::size_t reached)
	{
		add_finding(att_.findings, "archive.bomb",
		            "\"" + name + "\" expands past " + std::to_string(reached) +
		                    " bytes from " + std::to_string(content_.size()));
	}

	// Old or rare compression methods (implode, deflate64...) that
	// libarchive cannot undo hide the entry from us, not from the reader.
	void report_unreadable(struct archive *a, std::string const &name)
	{
		char const *error = archive_error_string(a);
		add_finding(att_.findings, "archive.unreadable",
		            "\"" + name + "\": " + (error ? error : "cannot be read"), 0.5);
	}

	void add_child(std::string name, std::string_view data)
	{
		attachment child;
		child.filename = std::move(name);
		child.depth = att_.depth + 1;
		std::vector<attachment> grandchildren;
		inspect_attachment(child, data, ctx_, grandchildren);
		nested_.push_back(std::move(child));
		for (auto &g : grandchildren)
			nested_.push_back(std::move(g));
	}

      public:
	// Encrypted entries no password opened are still listed, by name:
	// zip encrypts the data, not the names.
	void add_locked_entries()
	{
		for (auto &name : locked_)
			if (std::find(opened_.begin(), opened_.end(), name) == opened_.end())
				add_child(std::move(name), {});
		locked_.clear();
	}

      private:
	attachment &att_;
	std::vector<std::string> locked_;
	std::vector<std::string> opened_;
	std::string_view content_;
	inspect_context &ctx_;
	std::vector<attachment> &nested_;
};

// RAR and 7-Zip encryption cannot be opened here, so a password in the
// message can only be noticed, not proved.
bool can_try_passwords(std::string_view content)
{
	return content.starts_with("PK");
}

} // namespace

void inspect_archive(attachment &att, std::string_view content, inspect_context &ctx,
                     std::vector<attachment> &nested)
{
	if (static_cast<std::size_t>(att.depth) >= ctx.limits.max_archive_depth) {
		add_finding(att.findings, "archive.depth_limit",
		            "archive nested deeper than " +
		                    std::to_string(ctx.limits.max_archive_depth));
		return;
	}
	archive_walker walker(att, content, ctx, nested);
	archive_pass pass = walker.walk({}, false);
	if (pass.java)
		add_finding(att.findings, "attachment.executable", "Java archive");
	if (!pass.encrypted)
		return;
	if (pass.office) {
		add_finding(att.findings, "office.encrypted", "encrypted document parts");
		return;
	}
	add_finding(att.findings, "archive.encrypted", "encrypted entries");
	auto passwords = password_candidates(ctx.message_text);
	if (!passwords.empty() && pass.unopened_encrypted) {
		if (can_try_passwords(content)) {
			// Second pass with the message's words as passwords: what
			// opens is inspected like any other entry.
			archive_pass retry = walker.walk(passwords, true);
			if (retry.opened_encrypted)
				add_finding(att.findings, "archive.password_in_message",
				            "a password written in the message opens it");
		} else {
			add_finding(att.findings, "archive.password_in_message",
			            "the message gives a password (\"" + passwords.front() + "\")",
			            0.7);
		}
	}
	walker.add_locked_entries();
}

} // namespace ai
