// OLE compound files (CFB, [MS-CFB]): the directory is read to find the
// storages and streams that say "macro", "encrypted" or "embedded
// program", without interpreting any stream's code. Damaged files fall
// back to a scan for the same names, since Office opens files whose
// allocation tables an attacker broke on purpose.
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "ai/inspect.hpp"

namespace ai {
namespace {

constexpr std::string_view cfb_signature("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
constexpr std::uint32_t end_of_chain = 0xFFFFFFFE;
constexpr std::uint32_t max_regular_sector = 0xFFFFFFFA;

std::uint32_t u32(std::string_view b, std::size_t at)
{
	if (at + 4 > b.size())
		return 0xFFFFFFFF;
	auto byte = [&](std::size_t i) {
		return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i]));
	};
	return byte(0) | byte(1) << 8 | byte(2) << 16 | byte(3) << 24;
}

std::uint16_t u16(std::string_view b, std::size_t at)
{
	if (at + 2 > b.size())
		return 0xFFFF;
	return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
	                                  static_cast<unsigned char>(b[at + 1]) << 8);
}

void add_finding(std::vector<signal> &findings, std::string_view rule, std::string detail,
                 double strength = 1.0)
{
	for (auto const &f : findings)
		if (f.rule == rule)
			return;
	findings.push_back({std::string(rule), std::move(detail), strength});
}

struct directory_entry {
	std::string name; // ASCII folded; other code points as '?'
	int type = 0;     // 1 storage, 2 stream, 5 root
	std::uint32_t start = 0;
	std::uint64_t size = 0;
	std::string clsid;
};

class compound_file {
      public:
	explicit compound_file(std::string_view bytes) : b_(bytes) {}

	// Reads the header, allocation table and directory; false if the
	// layout is too damaged to follow.
	bool load()
	{
		if (b_.size() < 512 || !b_.starts_with(cfb_signature))
			return false;
		std::uint16_t shift = u16(b_, 0x1E);
		if (shift != 9 && shift != 12)
			return false;
		sector_size_ = std::size_t{1} << shift;
		sector_count_ = (b_.size() - 512) / sector_size_ + 1;
		mini_cutoff_ = u32(b_, 0x38);
		return load_fat() && load_directory(u32(b_, 0x30));
	}

	std::vector<directory_entry> const &entries() const { return entries_; }

	// The first `n` bytes of a stream stored in regular sectors.
	std::string stream_head(directory_entry const &e, std::size_t n) const
	{
		std::string out;
		if (e.size < mini_cutoff_)
			return out;
		std::uint32_t sector = e.start;
		for (std::size_t steps = 0;
		     out.size() < n && sector <= max_regular_sector && steps < sector_count_;
		     ++steps) {
			std::size_t offset = sector_offset(sector);
			if (offset + sector_size_ > b_.size())
				break;
			out.append(b_.substr(offset, sector_size_));
			sector = next(sector);
		}
		if (out.size() > n)
			out.resize(n);
		return out;
	}

      private:
	std::size_t sector_offset(std::uint32_t sector) const
	{
		return (static_cast<std::size_t>(sector) + 1) * sector_size_;
	}

	std::uint32_t next(std::uint32_t sector) const
	{
		return sector < fat_.size() ? fat_[sector] : end_of_chain;
	}

	void append_fat_sector(std::uint32_t sector)
	{
		std::size_t offset = sector_offset(sector);
		if (sector > max_regular_sector || offset + sector_size_ > b_.size())
			return;
		for (std::size_t i = 0; i < sector_size_; i += 4)
			fat_.push_back(u32(b_, offset + i));
	}

	bool load_fat()
	{
		std::uint32_t fat_sectors = u32(b_, 0x2C);
		if (fat_sectors > sector_count_)
			return false;
		std::size_t listed = 0;
		for (std::size_t i = 0; i < 109 && listed < fat_sectors; ++i, ++listed)
			append_fat_sector(u32(b_, 0x4C + 4 * i));
		std::uint32_t difat = u32(b_, 0x44);
		for (std::size_t steps = 0;
		     listed < fat_sectors && difat <= max_regular_sector && steps < sector_count_;
		     ++steps) {
			std::size_t offset = sector_offset(difat);
			if (offset + sector_size_ > b_.size())
				break;
			for (std::size_t i = 0; i + 4 < sector_size_ && listed < fat_sectors;
			     i += 4, ++listed)
				append_fat_sector(u32(b_, offset + i));
			difat = u32(b_, offset + sector_size_ - 4);
		}
		return !fat_.empty();
	}

	bool load_directory(std::uint32_t sector)
	{
		for (std::size_t steps = 0; sector <= max_regular_sector && steps < sector_count_;
		     ++steps) {
			std::size_t offset = sector_offset(sector);
			if (offset + sector_size_ > b_.size())
				break;
			for (std::size_t at = offset; at + 128 <= offset + sector_size_; at += 128)
				read_entry(at);
			sector = next(sector);
		}
		return !entries_.empty();
	}

	void read_entry(std::size_t at)
	{
		int type = static_cast<unsigned char>(b_[at + 0x42]);
		if (type != 1 && type != 2 && type != 5)
			return;
		std::size_t name_bytes = std::min<std::size_t>(u16(b_, at + 0x40), 64);
		directory_entry e;
		for (std::size_t i = 0; i + 1 < name_bytes; i += 2) {
			std::uint16_t unit = u16(b_, at + i);
			if (unit == 0)
				break;
			e.name += unit < 0x80 ? static_cast<char>(unit) : '?';
		}
		e.type = type;
		e.start = u32(b_, at + 0x74);
		e.size = u32(b_, at + 0x78);
		e.clsid = std::string(b_.substr(at + 0x50, 16));
		entries_.push_back(std::move(e));
	}

	std::string_view b_;
	std::size_t sector_size_ = 512;
	std::size_t sector_count_ = 0;
	std::uint32_t mini_cutoff_ = 4096;
	std::vector<std::uint32_t> fat_;
	std::vector<directory_entry> entries_;
};

bool equals_nocase(std::string_view a, std::string_view b)
{
	if (a.size() != b.size())
		return false;
	for (std::size_t i = 0; i < a.size(); ++i) {
		char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
		char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
		if (x != y)
			return false;
	}
	return true;
}

// Windows Installer packages carry this class id on their root entry.
constexpr std::string_view
        msi_clsid("\x84\x10\x0C\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46", 16);

void judge_name(std::string_view name, std::vector<signal> &findings)
{
	if (equals_nocase(name, "_VBA_PROJECT") || equals_nocase(name, "VBA") ||
	    equals_nocase(name, "_VBA_PROJECT_CUR") || equals_nocase(name, "Macros"))
		add_finding(findings, "office.vba_macro",
		            "VBA project (" + std::string(name) + ")");
	else if (equals_nocase(name, "EncryptedPackage") || equals_nocase(name, "EncryptionInfo"))
		add_finding(findings, "office.encrypted", "encrypted Office package");
	else if (equals_nocase(name, "\x01Ole10Native"))
		add_finding(findings, "office.ole_package", "embedded OLE package object");
	else if (equals_nocase(name, "Equation Native"))
		add_finding(findings, "office.equation_editor", "Equation Editor object");
}

// Word sets fEncrypted in its file information block; Excel writes a
// FILEPASS record right after the first BOF.
void check_legacy_encryption(compound_file const &cf, directory_entry const &e,
                             std::vector<signal> &findings)
{
	if (equals_nocase(e.name, "WordDocument")) {
		std::string fib = cf.stream_head(e, 16);
		if (fib.size() >= 12 && (u16(fib, 0x0A) & 0x0100))
			add_finding(findings, "office.encrypted", "encrypted Word document");
	} else if (equals_nocase(e.name, "Workbook") || equals_nocase(e.name, "Book")) {
		std::string head = cf.stream_head(e, 4096);
		for (std::size_t at = 0, records = 0; at + 4 <= head.size() && records < 64;
		     ++records) {
			if (u16(head, at) == 0x002F) {
				add_finding(findings, "office.encrypted",
				            "encrypted Excel workbook");
				break;
			}
			at += 4 + u16(head, at + 2);
		}
	}
}

// Damaged directory: look for the same names as UTF-16LE text.
void scan_names(std::string_view content, std::vector<signal> &findings)
{
	for (std::string_view name :
	     {"_VBA_PROJECT", "EncryptedPackage", "\x01Ole10Native", "Equation Native"}) {
		std::string utf16;
		for (char c : name) {
			utf16 += c;
			utf16 += '\0';
		}
		if (content.find(utf16) != std::string_view::npos)
			judge_name(name, findings);
	}
}

} // namespace

void inspect_ole(std::string_view content, std::vector<signal> &findings)
{
	compound_file cf(content);
	if (!cf.load()) {
		scan_names(content, findings);
		return;
	}
	for (auto const &e : cf.entries()) {
		judge_name(e.name, findings);
		if (e.type == 5 && e.clsid == msi_clsid)
			add_finding(findings, "attachment.executable", "Windows Installer package");
		if (e.type == 2)
			check_legacy_encryption(cf, e, findings);
	}
}

} // namespace ai
