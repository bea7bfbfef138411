#include "phrase_set.hpp"

#include <deque>

#include "text.hpp"

namespace ai {

void phrase_set::add(std::string_view phrase, int id, bool whole_word)
{
	if (!phrase.empty())
		phrases_.push_back({text::lower_ascii(phrase), id, whole_word});
}

bool phrase_set::word_boundary(std::string_view text, std::size_t begin, std::size_t end)
{
	bool before = begin == 0 || !text::is_alpha(text[begin - 1]);
	bool after = end >= text.size() || !text::is_alpha(text[end]);
	return before && after;
}

void phrase_set::build()
{
	// Byte classes: one per distinct byte used by a phrase (upper-case
	// letters share their lower-case class); everything else is class 0.
	for (auto const &p : phrases_)
		for (char c : p.text) {
			auto b = static_cast<unsigned char>(c);
			if (class_of_[b] == 0)
				class_of_[b] = static_cast<std::uint16_t>(classes_++);
		}
	for (int c = 'A'; c <= 'Z'; ++c)
		class_of_[c] = class_of_[c - 'A' + 'a'];

	// The trie, with -1 for a missing edge.
	constexpr std::uint32_t none = 0xFFFFFFFF;
	std::vector<std::uint32_t> trie(classes_, none);
	std::vector<std::vector<std::uint32_t>> ends(1);
	for (std::uint32_t i = 0; i < phrases_.size(); ++i) {
		std::uint32_t state = 0;
		for (char c : phrases_[i].text) {
			auto cls = class_of_[static_cast<unsigned char>(c)];
			auto &edge = trie[state * classes_ + cls];
			if (edge == none) {
				edge = static_cast<std::uint32_t>(ends.size());
				ends.emplace_back();
				trie.resize(trie.size() + classes_, none);
			}
			state = trie[state * classes_ + cls];
		}
		ends[state].push_back(i);
	}

	// Breadth-first: failure links turn the trie into a full automaton,
	// and each state's outputs chain to its failure state's outputs.
	std::size_t states = ends.size();
	next_.assign(states * classes_, 0);
	first_output_.assign(states, no_output);
	std::vector<std::uint32_t> fail(states, 0);
	std::deque<std::uint32_t> queue;
	for (std::uint32_t cls = 0; cls < classes_; ++cls) {
		auto child = trie[cls];
		next_[cls] = child == none ? 0 : child;
		if (child != none && child != 0)
			queue.push_back(child);
	}
	std::vector<std::uint32_t> order;
	while (!queue.empty()) {
		auto state = queue.front();
		queue.pop_front();
		order.push_back(state);
		for (std::uint32_t cls = 0; cls < classes_; ++cls) {
			auto child = trie[state * classes_ + cls];
			auto via_fail = next_[fail[state] * classes_ + cls];
			if (child == none) {
				next_[state * classes_ + cls] = via_fail;
			} else {
				fail[child] = via_fail;
				next_[state * classes_ + cls] = child;
				queue.push_back(child);
			}
		}
	}
	// Outputs in BFS order, so a failure state's chain exists first.
	auto link_outputs = [&](std::uint32_t state) {
		std::uint32_t head = state == 0 ? no_output : first_output_[fail[state]];
		for (auto phrase : ends[state]) {
			outputs_.push_back({phrase, head});
			head = static_cast<std::uint32_t>(outputs_.size() - 1);
		}
		first_output_[state] = head;
	};
	link_outputs(0);
	for (auto state : order)
		link_outputs(state);
}

} // namespace ai
