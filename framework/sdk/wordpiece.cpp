// WordPiece: the vocabulary's lookups and the greedy longest-match-first split of one word.
#include "sdk/wordpiece.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <stdexcept>

#include "sdk/text_normalizer.hpp"

namespace graft::text {
namespace {

using Keys = std::vector<std::pair<std::u32string, std::int64_t>>;

std::unordered_map<std::string_view, std::int64_t> index_tokens(const std::vector<std::string>& tokens) {
  std::unordered_map<std::string_view, std::int64_t> ids;
  ids.reserve(tokens.size());
  for (std::size_t id = 0; id < tokens.size(); ++id) {
    ids[tokens[id]] = static_cast<std::int64_t>(id);  // a later duplicate overwrites, as in `tokenizers`
  }
  return ids;
}

// The keys of a trie: every distinct token (with its winning id), or only the "##" ones with the
// prefix cut off. As code points, the form the normalised words have.
Keys trie_keys(const std::unordered_map<std::string_view, std::int64_t>& ids, bool continuations) {
  Keys keys;
  for (const auto& [token, id] : ids) {
    std::string_view key = token;
    if (continuations) {
      if (key.size() <= kContinuationPrefix.size() || key.substr(0, kContinuationPrefix.size()) != kContinuationPrefix) {
        continue;
      }
      key.remove_prefix(kContinuationPrefix.size());
    }
    if (key.empty()) continue;  // pieces are never empty
    std::u32string decoded;
    decode_utf8(key, decoded);
    // No normalised word has a U+FFFD (the cleaning drops it), so a token with one, or with bytes
    // that are not UTF-8 (decoded as U+FFFD), can never match: leaving it out also keeps the keys
    // distinct, as the trie needs.
    if (decoded.find(U'\ufffd') != std::u32string::npos) continue;
    keys.emplace_back(std::move(decoded), id);
  }
  return keys;
}

}  // namespace

PrefixTrie::PrefixTrie(const Keys& unsorted) {
  Keys keys = unsorted;
  std::sort(keys.begin(), keys.end());
  // Breadth first over ranges of the sorted keys, so that each node's edges are contiguous and
  // sorted by label. A range [begin, end) at `depth` holds the keys that share their first
  // `depth` code points: the node of that prefix.
  struct Pending {
    std::size_t begin, end, depth;
    std::uint32_t node;
  };
  std::deque<Pending> queue{{0, keys.size(), 0, 0}};
  nodes_.emplace_back();
  while (!queue.empty()) {
    auto [begin, end, depth, node] = queue.front();
    queue.pop_front();
    if (begin < end && keys[begin].first.size() == depth) {  // sorts first; keys are distinct
      nodes_[node].id = keys[begin].second;
      ++begin;
    }
    nodes_[node].first_edge = static_cast<std::uint32_t>(edges_.size());
    while (begin < end) {
      const char32_t label = keys[begin].first[depth];
      std::size_t group_end = begin + 1;
      while (group_end < end && keys[group_end].first[depth] == label) ++group_end;
      if (nodes_.size() >= std::numeric_limits<std::uint32_t>::max()) throw std::length_error("vocabulary too large");
      const auto child = static_cast<std::uint32_t>(nodes_.size());
      nodes_.emplace_back();
      edges_.push_back({label, child});
      ++nodes_[node].edge_count;
      if (node == 0 && label < root_ascii_.size()) root_ascii_[label] = child;
      queue.push_back({begin, group_end, depth + 1, child});
      begin = group_end;
    }
  }
}

std::pair<std::size_t, std::int64_t> PrefixTrie::longest_prefix(std::u32string_view text) const {
  std::pair<std::size_t, std::int64_t> best{0, -1};
  if (text.empty()) return best;
  const char32_t first = text[0];
  std::uint32_t node = 0;
  if (first < root_ascii_.size()) {
    node = root_ascii_[first];
  } else {
    const Node& root = nodes_[0];
    const Edge* begin = edges_.data() + root.first_edge;
    const Edge* end = begin + root.edge_count;
    const Edge* edge = std::lower_bound(begin, end, first, [](const Edge& e, char32_t c) { return e.label < c; });
    if (edge != end && edge->label == first) node = edge->target;
  }
  for (std::size_t i = 1;; ++i) {
    if (node == 0) break;  // the root is nobody's child: no edge
    if (nodes_[node].id >= 0) best = {i, nodes_[node].id};
    if (i == text.size()) break;
    const Node& n = nodes_[node];
    const Edge* begin = edges_.data() + n.first_edge;
    const Edge* end = begin + n.edge_count;
    const char32_t c = text[i];
    node = 0;
    if (n.edge_count <= 8) {  // most nodes below the root have a handful of children
      for (const Edge* edge = begin; edge != end; ++edge) {
        if (edge->label == c) {
          node = edge->target;
          break;
        }
      }
    } else {
      const Edge* edge = std::lower_bound(begin, end, c, [](const Edge& e, char32_t l) { return e.label < l; });
      if (edge != end && edge->label == c) node = edge->target;
    }
  }
  return best;
}

Vocabulary::Vocabulary(std::vector<std::string> tokens)
    : tokens_(std::move(tokens)),
      ids_(index_tokens(tokens_)),
      starts_(trie_keys(ids_, false)),
      continuations_(trie_keys(ids_, true)) {}

std::optional<std::int64_t> Vocabulary::find(std::string_view token) const {
  const auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void split_word(std::u32string_view word, const Vocabulary& vocabulary, std::int64_t unk_id, std::size_t max_chars,
                std::vector<std::int64_t>& ids) {
  // Counted in code points of the normalised word, as Rust's chars().count().
  if (word.size() > max_chars) {
    ids.push_back(unk_id);
    return;
  }
  const std::size_t first_piece = ids.size();
  for (std::size_t start = 0; start < word.size();) {
    const PrefixTrie& trie = start == 0 ? vocabulary.starts() : vocabulary.continuations();
    const auto [length, id] = trie.longest_prefix(word.substr(start));
    if (length == 0) {  // a part of the word that no piece matches: the whole word is unknown
      ids.resize(first_piece);
      ids.push_back(unk_id);
      return;
    }
    ids.push_back(id);
    start += length;
  }
}

}  // namespace graft::text
