// Labelled mail collections for 1dall-train and 1dall-score --eval: how
// messages are read (files, maildirs, mboxes, in place) and how they are
// split into a training part and a held-out part.
//
// The split. Campaigns reuse templates, so near-identical messages with
// different bytes exist; splitting by file would put one copy in each
// part and flatter the evaluation. Messages are therefore grouped by a
// coarse key -- the normalised subject (lower-case, reply and forward
// prefixes and [list tags] removed, words holding digits or '@'
// dropped, only letters kept), else the domain of the Message-ID, else
// the first letters of the body -- and the key's FNV-1a hash modulo 5
// gives the fold. Fold 0 is held out for evaluation; folds 1-4 train.
// Every message with the same key lands in the same fold.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "ai/message.hpp"

namespace ai {

constexpr int split_folds = 5;
constexpr int held_out_fold = 0;

enum class corpus_part { train, held_out, all };

// The grouping key described above.
std::string split_key(parsed_message const &msg);
// 0 .. split_folds-1.
int split_fold(std::string_view key);
bool in_part(int fold, corpus_part part);

// Parses "train", "held-out" (or "eval") and "all".
tl::expected<corpus_part, std::string> parse_corpus_part(std::string_view name);

struct raw_message {
	std::string origin; // file name, or "mbox-file#n"
	std::string bytes;  // the message, without an mbox "From " line
};

// Calls `each` for every message under `path`: a single message file, an
// mbox (a file whose first line starts with "From "), a maildir (cur/
// and new/) or a folder of any of these, walked recursively in name
// order. Returns an error for a path that cannot be read.
tl::expected<std::size_t, std::string>
for_each_message(std::filesystem::path const &path,
                 std::function<void(raw_message &&)> const &each);

enum class mail_label { phish, spam, ham };
std::string_view label_name(mail_label label);

struct labelled_message {
	mail_label label = mail_label::ham;
	std::string origin;
	std::size_t bytes = 0;
	int fold = 0;
	parsed_message msg;
};

// Walks `dir`/phish, `dir`/spam and `dir`/ham (those present; at least
// one must be), parses each message and calls `each` for those in
// `part`. Returns how many messages were passed on.
tl::expected<std::size_t, std::string>
for_each_labelled(std::filesystem::path const &dir, corpus_part part,
                  std::function<void(labelled_message &&)> const &each);

// The envelope sender a delivering MTA recorded in Return-Path, without
// angle brackets ("" when absent). Tools use it when no envelope is
// given, so that training and scoring see the same context.
std::string return_path(parsed_message const &msg);

// A message with a leading mbox "From " line removed.
std::string_view strip_mbox_from_line(std::string_view raw);

} // namespace ai
