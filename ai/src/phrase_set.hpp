// Many phrases found in one pass over a text (Aho-Corasick, compiled to
// a table so each input byte costs one lookup). ASCII letters match
// without regard to case; other bytes (UTF-8 Japanese) match exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ai {

class phrase_set {
      public:
	// `whole_word`: the match must not touch an ASCII letter on either
	// side (so "asap" does not fire inside "asapa").
	void add(std::string_view phrase, int id, bool whole_word);
	void build();

	struct match {
		int id;
		std::size_t end; // one past the last byte
		std::size_t length;
	};

	// Calls `found(match)` for each occurrence; stops early when it
	// returns false.
	template <typename F>
	void scan(std::string_view text, F &&found) const
	{
		std::uint32_t state = 0;
		for (std::size_t i = 0; i < text.size(); ++i) {
			auto byte = static_cast<unsigned char>(text[i]);
			state = next_[state * classes_ + class_of_[byte]];
			for (std::uint32_t o = first_output_[state]; o != no_output;
			     o = outputs_[o].next) {
				auto const &p = phrases_[outputs_[o].phrase];
				std::size_t end = i + 1;
				if (p.whole_word && !word_boundary(text, end - p.text.size(), end))
					continue;
				if (!found(match{p.id, end, p.text.size()}))
					return;
			}
		}
	}

	std::size_t size() const { return phrases_.size(); }

      private:
	static constexpr std::uint32_t no_output = 0xFFFFFFFF;

	struct entry {
		std::string text; // lower-cased
		int id;
		bool whole_word;
	};
	struct output {
		std::uint32_t phrase;
		std::uint32_t next;
	};

	static bool word_boundary(std::string_view text, std::size_t begin, std::size_t end);

	std::vector<entry> phrases_;
	std::uint16_t class_of_[256] = {};
	std::uint32_t classes_ = 1;
	std::vector<std::uint32_t> next_;         // state * classes_ + class -> state
	std::vector<std::uint32_t> first_output_; // per state
	std::vector<output> outputs_;
};

} // namespace ai
