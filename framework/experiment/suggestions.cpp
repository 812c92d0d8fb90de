#include "experiment/suggestions.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace graft::experiment {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Edits from a to b: insert, delete, substitute, and swap two neighbours ("trian" -> "train"),
// the commonest typo, which plain Levenshtein counts as two. (Optimal string alignment distance.)
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// `lr_rate` -> `lr`, `batch` -> `batch_size`: one name is the other's first words. Edit distance
// misses these (5 edits between lr_rate and lr), yet they are the commonest near misses of
// snake_case keys.
bool word_prefix(const std::string& a, const std::string& b) {
  const std::string& shorter = a.size() < b.size() ? a : b;
  const std::string& longer = a.size() < b.size() ? b : a;
  return !shorter.empty() && longer.size() > shorter.size() && longer.compare(0, shorter.size(), shorter) == 0 &&
         longer[shorter.size()] == '_';
}

// `learning_rate` -> `lr`, `weight_decay` -> `wd`: a key written out whose name is its words'
// initials (or the other way round). Compared after the last '.', so `train.learning_rate` finds
// `train.lr` in a [sweep].
bool initials_of(const std::string& spelled_out, const std::string& abbreviated) {
  const std::size_t dot = spelled_out.rfind('.');
  const std::string table = dot == std::string::npos ? "" : spelled_out.substr(0, dot + 1);
  if (abbreviated.compare(0, table.size(), table) != 0) return false;
  std::string initials;
  bool word_start = true;
  for (char c : spelled_out.substr(table.size())) {
    if (c == '_') {
      word_start = true;
    } else if (word_start) {
      initials += c;
      word_start = false;
    }
  }
  return initials.size() >= 2 && initials == abbreviated.substr(table.size());
}

}  // namespace

std::optional<std::string> nearest(const std::string& word, const std::vector<std::string>& candidates) {
  // Case-insensitive: `LR` finds `lr`.
  const std::string needle = lower(word);
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  const std::string* best = nullptr;
  std::size_t best_distance = allowed + 1;
  for (const auto& candidate : candidates) {
    std::size_t distance = edit_distance(needle, lower(candidate));
    if (distance < best_distance) {  // strict: ties keep the earlier candidate
      best = &candidate;
      best_distance = distance;
    }
  }
  if (best) return *best;
  for (const auto& candidate : candidates)
    if (word_prefix(needle, lower(candidate))) return candidate;
  for (const auto& candidate : candidates)
    if (initials_of(needle, lower(candidate)) || initials_of(lower(candidate), needle)) return candidate;
  return std::nullopt;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates, const std::string& open,
                         const std::string& close) {
  auto suggestion = nearest(word, candidates);
  return suggestion ? fmt::format(" (did you mean {}{}{}?)", open, *suggestion, close) : std::string();
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? separator : "") + items[i];
  return out;
}

}  // namespace graft::experiment
