#pragma once
// The batches of one pass over a training split, as every training loop of graft draws them:
// the example order shuffled from the pass's seed (regrouped by text length with
// bucket_by_length), each batch augmented from a seed of its own. `graft run` and `graft lr-find`
// both open their passes here, so the LR range test sees the batches of the run's first epochs.
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/batch_loader.hpp"
#include "engine/train_settings.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"

namespace graft::engine {

// The seed of epoch `epoch` of a trial: every random draw of its data comes from it.
std::uint64_t epoch_seed(std::uint64_t trial_seed, std::int64_t epoch);
// The seed of further task `task` (1-based) in an epoch: its own data order.
std::uint64_t task_seed(std::uint64_t epoch_seed, std::size_t task);

// Pass `pass` of a task within an epoch (a task that runs out starts another): pass 0 is the
// epoch's own seed, so a single-task epoch is one pass drawn from it.
std::uint64_t pass_seed(std::uint64_t task_seed, std::size_t pass);
// The seed the further tasks' heads are initialised from (task_heads.hpp).
std::uint64_t task_heads_seed(std::uint64_t trial_seed);

// The order of one pass over `examples` training examples; with `lengths` (text lengths of the
// split, bucket_by_length) grouped into batches of similar length.
std::vector<std::size_t> training_order(std::size_t examples, std::uint64_t pass_seed,
                                        const std::vector<std::size_t>& lengths, std::size_t batch_size);

// The pass's batches through the model's collate, in `order`, augmented from the pass's seed.
std::unique_ptr<BatchLoader> training_loader(const Dataset& dataset, Model& model, const TrainSettings& settings,
                                             std::vector<std::size_t> order, std::uint64_t pass_seed);

}  // namespace graft::engine
