#include "engine/length_buckets.hpp"

#include <algorithm>

namespace graft::engine {

std::vector<std::size_t> group_by_length(const std::vector<std::size_t>& order, const std::vector<std::size_t>& lengths,
                                         std::size_t batch_size) {
  const std::size_t megabatch = std::max<std::size_t>(1, batch_size) * kBatchesPerMegabatch;
  std::vector<std::size_t> grouped = order;
  for (std::size_t begin = 0; begin < grouped.size(); begin += megabatch) {
    const auto first = grouped.begin() + static_cast<std::ptrdiff_t>(begin);
    const auto last = grouped.begin() + static_cast<std::ptrdiff_t>(std::min(grouped.size(), begin + megabatch));
    std::stable_sort(first, last, [&lengths](std::size_t a, std::size_t b) { return lengths.at(a) > lengths.at(b); });
  }
  return grouped;
}

std::vector<std::size_t> text_lengths(const Dataset& dataset, Split split) {
  std::vector<std::size_t> lengths(dataset.size(split));
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const Example example = dataset.get(split, i);
    lengths[i] = example.text.size() + example.text_pair.size();
  }
  return lengths;
}

}  // namespace graft::engine
