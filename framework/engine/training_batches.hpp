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
#include "engine/training_hooks.hpp"
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

// One rank's share of a pass's order (DistributedSampler's rule: every ranks-th example, from
// the rank's own): its batches of batch_size / ranks are, rank by rank, the pass's global batches
// of batch_size. With drop_last the order is first cut to whole global batches; without, it is
// padded to a multiple of `ranks` with its own first examples (as DistributedSampler pads), so
// that every rank has as many batches. Alone, the order itself.
std::vector<std::size_t> training_share(std::vector<std::size_t> order, std::size_t batch_size, bool drop_last,
                                        const DataShare& share);
// One rank's share of an evaluation split: every ranks-th example, no padding (each example is
// measured once, and the metrics are summed over the ranks).
std::vector<std::size_t> evaluation_share(std::vector<std::size_t> order, const DataShare& share);
// The batch size of one rank's share of the batches (batch_size / ranks; a multiple, checked
// when the trial is prepared).
std::size_t share_batch_size(std::size_t batch_size, const DataShare& share);

// The pass's batches through the model's collate, in `order`, augmented from the pass's seed.
std::unique_ptr<BatchLoader> training_loader(const Dataset& dataset, Model& model, const TrainSettings& settings,
                                             std::vector<std::size_t> order, std::uint64_t pass_seed,
                                             const DataShare& share = {});

}  // namespace graft::engine
