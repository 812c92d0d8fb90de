#pragma once
// The WordPiece vocabulary and its greedy longest-match-first split of one word, as the
// `tokenizers` WordPiece model does it. Private to libgraft_sdk.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace graft::text {

// BERT's prefix of the pieces that continue a word ("##ing").
inline constexpr std::string_view kContinuationPrefix = "##";

// Keys (code point strings) -> ids, answering "the longest key that starts `text`". `tokenizers`
// finds it by trying ever shorter substrings in a hash map, which costs O(length²) hashing per
// piece; walking a trie gives the same answer in one pass. Immutable once built.
class PrefixTrie {
 public:
  explicit PrefixTrie(const std::vector<std::pair<std::u32string, std::int64_t>>& keys);

  // {code points matched, id} of the longest key that is a prefix of `text`; {0, -1} for none.
  std::pair<std::size_t, std::int64_t> longest_prefix(std::u32string_view text) const;

 private:
  struct Node {
    std::uint32_t first_edge = 0;  // its edges: [first_edge, first_edge + edge_count), by label
    std::uint32_t edge_count = 0;
    std::int64_t id = -1;  // the key ending here, or -1
  };
  struct Edge {
    char32_t label;
    std::uint32_t target;
  };

  std::vector<Node> nodes_;  // nodes_[0]: the root
  std::vector<Edge> edges_;
  std::array<std::uint32_t, 128> root_ascii_{};  // the root's ASCII children (0: none), most pieces start there
};

// Token <-> id, id = position in the list. When a token appears twice the later id wins for
// token -> id (a hash map insert, as `tokenizers` reads vocab.txt); id -> token keeps both.
// The map holds views into the token strings, so the object is neither copied nor moved: the
// tokenizer keeps one behind a shared pointer.
class Vocabulary {
 public:
  explicit Vocabulary(std::vector<std::string> tokens);
  Vocabulary(const Vocabulary&) = delete;
  Vocabulary& operator=(const Vocabulary&) = delete;

  std::optional<std::int64_t> find(std::string_view token) const;
  const std::string& token(std::int64_t id) const { return tokens_[static_cast<std::size_t>(id)]; }
  std::size_t size() const { return tokens_.size(); }

  // Tries of the word-initial entries (all of them) and of the "##" entries without the prefix.
  const PrefixTrie& starts() const { return starts_; }
  const PrefixTrie& continuations() const { return continuations_; }

 private:
  // Built in this order from one another (the declaration order).
  std::vector<std::string> tokens_;
  std::unordered_map<std::string_view, std::int64_t> ids_;
  PrefixTrie starts_;
  PrefixTrie continuations_;
};

// Appends the ids of the pieces of `word` (normalised code points): the longest vocabulary
// entry that starts the word, then the longest "##" entry that continues it, and so on. A word
// of more than `max_chars` code points, or one with a part that nothing matches, is one
// `unk_id` as a whole.
void split_word(std::u32string_view word, const Vocabulary& vocabulary, std::int64_t unk_id, std::size_t max_chars,
                std::vector<std::int64_t>& ids);

}  // namespace graft::text
