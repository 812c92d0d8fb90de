#pragma once
// Length-grouped batches for text (train.bucket_by_length), as Hugging Face's group_by_length
// (LengthGroupedSampler): the shuffled order is cut into megabatches of 50 batches, and each
// megabatch is sorted longest first. Batches then hold texts of similar length, so a model that
// pads to the longest of its batch pads little, while the order stays random from one
// megabatch to the next and from one epoch to the next.
#include <cstddef>
#include <vector>

#include "graft/batch.hpp"
#include "graft/dataset.hpp"

namespace graft::engine {

inline constexpr std::size_t kBatchesPerMegabatch = 50;

// `order` regrouped; lengths[i] is example i's length. Stable: ties keep the shuffled order.
std::vector<std::size_t> group_by_length(const std::vector<std::size_t>& order, const std::vector<std::size_t>& lengths,
                                         std::size_t batch_size);

// Bytes of text (and text pair) of every example of a split: a proxy for token counts that needs
// no tokenizer, good enough to group by.
std::vector<std::size_t> text_lengths(const Dataset& dataset, Split split);

}  // namespace graft::engine
