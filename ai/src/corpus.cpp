#include "ai/corpus.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "text.hpp"

namespace ai {
namespace fs = std::filesystem;
namespace {

bool has_digit_or_at(std::string_view word)
{
	return std::any_of(word.begin(), word.end(),
	                   [](char c) { return text::is_digit(c) || c == '@'; });
}

// Drops "Re:", "Fwd:", "AW:", "[list]" and similar from the front.
std::string_view strip_subject_prefixes(std::string_view s)
{
	for (bool changed = true; changed;) {
		changed = false;
		s = text::trim(s);
		if (!s.empty() && s.front() == '[') {
			auto close = s.find(']');
			if (close != std::string_view::npos) {
				s.remove_prefix(close + 1);
				changed = true;
				continue;
			}
		}
		auto colon = s.find(':');
		if (colon != std::string_view::npos && colon <= 4) {
			auto prefix = text::lower_ascii(s.substr(0, colon));
			for (std::string_view p : {"re", "fw", "fwd", "aw", "sv", "wg", "tr", "rv"})
				if (prefix == p) {
					s.remove_prefix(colon + 1);
					changed = true;
				}
		}
	}
	return s;
}

// Letters only (ASCII lower-cased, other UTF-8 kept), from the words
// that hold neither digits nor '@'.
std::string letters_of(std::string_view s, std::size_t limit)
{
	std::string out;
	std::size_t start = 0;
	while (start < s.size() && out.size() < limit) {
		auto end = s.find_first_of(" \t\r\n", start);
		if (end == std::string_view::npos)
			end = s.size();
		auto word = s.substr(start, end - start);
		if (!has_digit_or_at(word))
			for (char c : word)
				if (text::is_alpha(c) || static_cast<unsigned char>(c) >= 0x80)
					out += text::lower(c);
		start = end + 1;
	}
	return out.substr(0, limit);
}

std::uint64_t fnv1a(std::string_view s)
{
	std::uint64_t h = 0xCBF29CE484222325ull;
	for (char c : s) {
		h ^= static_cast<unsigned char>(c);
		h *= 0x100000001B3ull;
	}
	return h;
}

bool read_whole(fs::path const &file, std::string &out)
{
	std::ifstream in(file, std::ios::binary);
	if (!in)
		return false;
	std::ostringstream buffer;
	buffer << in.rdbuf();
	out = std::move(buffer).str();
	return !in.bad();
}

bool is_maildir(fs::path const &dir)
{
	std::error_code ec;
	return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
}

// Splits an mbox on "From " lines that follow an empty line (or start
// the file); ">From " lines written by mboxrd lose one '>'.
void split_mbox(std::string const &origin, std::string_view box,
                std::function<void(raw_message &&)> const &each, std::size_t &count)
{
	std::string current;
	std::size_t index = 0;
	bool blank_before = true;
	auto flush = [&] {
		if (!current.empty()) {
			each({origin + "#" + std::to_string(++index), std::move(current)});
			++count;
		}
		current.clear();
	};
	for (std::size_t pos = 0; pos < box.size();) {
		auto end = box.find('\n', pos);
		auto line = box.substr(pos, end == std::string_view::npos ? end : end - pos + 1);
		pos = end == std::string_view::npos ? box.size() : end + 1;
		if (line.starts_with("From ") && blank_before) {
			flush();
			continue;
		}
		auto unquoted = line;
		if (unquoted.starts_with(">")) {
			auto first = unquoted.find_first_not_of('>');
			if (first != std::string_view::npos &&
			    unquoted.substr(first).starts_with("From "))
				unquoted.remove_prefix(1);
		}
		current += unquoted;
		blank_before = line == "\n" || line == "\r\n";
	}
	flush();
}

tl::expected<std::size_t, std::string> read_file(fs::path const &file,
                                                 std::function<void(raw_message &&)> const &each)
{
	std::string bytes;
	if (!read_whole(file, bytes))
		return tl::unexpected(file.string() + ": cannot read");
	std::size_t count = 0;
	bool mbox = bytes.starts_with("From ");
	// A single message saved with its mbox line is not a mailbox: only
	// treat the file as one when a second "From " separator follows.
	if (mbox && bytes.find("\n\nFrom ") != std::string::npos) {
		split_mbox(file.string(), bytes, each, count);
		return count;
	}
	auto body = strip_mbox_from_line(bytes);
	each({file.string(), std::string(body)});
	return 1;
}

} // namespace

std::string split_key(parsed_message const &msg)
{
	auto subject = letters_of(strip_subject_prefixes(msg.subject), 200);
	if (subject.size() >= 4)
		return "s:" + subject;
	auto id = text::trim(msg.message_id);
	if (auto at = id.rfind('@'); at != std::string_view::npos) {
		auto domain = id.substr(at + 1);
		if (!domain.empty() && domain.back() == '>')
			domain.remove_suffix(1);
		if (!domain.empty())
			return "m:" + text::lower_ascii(domain);
	}
	return "b:" + letters_of(msg.text.empty() ? msg.html : msg.text, 120);
}

int split_fold(std::string_view key)
{
	return static_cast<int>(fnv1a(key) % split_folds);
}

bool in_part(int fold, corpus_part part)
{
	switch (part) {
	case corpus_part::train:
		return fold != held_out_fold;
	case corpus_part::held_out:
		return fold == held_out_fold;
	case corpus_part::all:
		return true;
	}
	return true;
}

tl::expected<corpus_part, std::string> parse_corpus_part(std::string_view name)
{
	if (name == "train")
		return corpus_part::train;
	if (name == "held-out" || name == "eval")
		return corpus_part::held_out;
	if (name == "all")
		return corpus_part::all;
	return tl::unexpected("unknown corpus part '" + std::string(name) +
	                      "' (train, held-out or all)");
}

std::string_view strip_mbox_from_line(std::string_view raw)
{
	if (!raw.starts_with("From "))
		return raw;
	auto end = raw.find('\n');
	return end == std::string_view::npos ? std::string_view{} : raw.substr(end + 1);
}

std::string_view label_name(mail_label label)
{
	switch (label) {
	case mail_label::phish:
		return "phish";
	case mail_label::spam:
		return "spam";
	case mail_label::ham:
		return "ham";
	}
	return "ham";
}

tl::expected<std::size_t, std::string>
for_each_labelled(fs::path const &dir, corpus_part part,
                  std::function<void(labelled_message &&)> const &each)
{
	std::size_t passed = 0;
	bool any = false;
	for (auto label : {mail_label::phish, mail_label::spam, mail_label::ham}) {
		auto folder = dir / std::string(label_name(label));
		std::error_code ec;
		if (!fs::is_directory(folder, ec))
			continue;
		any = true;
		auto walked = for_each_message(folder, [&](raw_message &&raw) {
			labelled_message m;
			m.label = label;
			m.origin = std::move(raw.origin);
			m.bytes = raw.bytes.size();
			m.msg = parse_message(raw.bytes);
			m.fold = split_fold(split_key(m.msg));
			if (!in_part(m.fold, part))
				return;
			++passed;
			each(std::move(m));
		});
		if (!walked)
			return tl::unexpected(walked.error());
	}
	if (!any)
		return tl::unexpected(dir.string() + ": no phish/, spam/ or ham/ folder inside");
	return passed;
}

std::string return_path(parsed_message const &msg)
{
	for (auto const &[name, value] : msg.headers) {
		if (text::lower_ascii(name) != "return-path")
			continue;
		auto v = text::trim(value);
		auto open = v.find('<');
		auto close = v.rfind('>');
		if (open != std::string_view::npos && close != std::string_view::npos &&
		    close > open)
			v = v.substr(open + 1, close - open - 1);
		return std::string(text::trim(v));
	}
	return {};
}

tl::expected<std::size_t, std::string>
for_each_message(fs::path const &path, std::function<void(raw_message &&)> const &each)
{
	std::error_code ec;
	if (fs::is_regular_file(path, ec))
		return read_file(path, each);
	if (!fs::is_directory(path, ec))
		return tl::unexpected(path.string() + ": no such file or folder");

	std::vector<fs::path> files;
	auto const options = fs::directory_options::skip_permission_denied;
	for (fs::recursive_directory_iterator it(path, options, ec), end; !ec && it != end;
	     it.increment(ec)) {
		auto name = it->path().filename().string();
		if (!name.empty() && name.front() == '.') {
			if (it->is_directory(ec))
				it.disable_recursion_pending();
			continue;
		}
		if (it->is_directory(ec)) {
			// A maildir's tmp/ holds messages still being written.
			if (name == "tmp" && is_maildir(it->path().parent_path()))
				it.disable_recursion_pending();
			continue;
		}
		if (it->is_regular_file(ec))
			files.push_back(it->path());
	}
	if (ec)
		return tl::unexpected(path.string() + ": " + ec.message());
	std::sort(files.begin(), files.end());
	std::size_t count = 0;
	for (auto const &file : files) {
		auto read = read_file(file, each);
		if (!read)
			return tl::unexpected(read.error());
		count += *read;
	}
	return count;
}

} // namespace ai
