// Whole-file operations behind the `blackbox` tool: sealing a source
// into NAME.bbx, re-sealing (rekey), and editing a sealed table through
// memory-backed storage.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "blackbox/keys.hpp"
#include "blackbox/sealed_table.hpp"

namespace blackbox {

// The generation a new copy of `path` gets: one more than the file's
// current header says, or 1 when there is no readable file.
std::uint64_t next_generation(std::filesystem::path const &path);

// Seals `entries` as table `name` and writes `path` atomically. A
// generation of 0 means next_generation(path). The mode of an existing
// file is kept; a new file gets 0644 (it holds only ciphertext).
tl::expected<table_header, std::string> seal_to_file(std::vector<table_entry> const &entries,
                                                     std::string const &name,
                                                     std::filesystem::path const &path,
                                                     master_key const &key,
                                                     std::uint64_t generation = 0);

// Re-seals `path` under `new_key` with the next generation.
tl::expected<table_header, std::string>
rekey_file(std::filesystem::path const &path, master_key const &old_key, master_key const &new_key);

enum class edit_result { resealed, unchanged };

// Decrypts `path` into a memfd, runs `editor` (a shell command, like
// $EDITOR) on it, checks the result and re-seals with the generation
// plus one. Plaintext never touches a file system: the memfd vanishes
// with the last process holding it, whatever happens to the editor.
tl::expected<edit_result, std::string> edit_file(std::filesystem::path const &path,
                                                 master_key const &key, std::string const &editor);

} // namespace blackbox
