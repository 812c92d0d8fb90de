#pragma once
// What flows from datasets through models: examples (one item, as the dataset stores it) and
// batches (a model's collated, preprocessed tensors).
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "graft/export.hpp"
#include "graft/split.hpp"

namespace graft {

// One item of a dataset. Datasets fill what they have; models read what they understand.
struct Example {
  at::Tensor image;       // uint8 [C, H, W] (or [H, W]) as decoded; or any feature tensor
  std::string text;       // text datasets
  std::string text_pair;  // sentence-pair datasets
  std::int64_t label = -1;
};

// A model's preprocessed batch. `labels` is int64 [N]; `inputs` is whatever the model's forward
// takes; `extra` holds further named tensors (attention masks, token type ids, teacher logits).
struct GRAFT_SDK_API Batch {
  at::Tensor inputs;
  at::Tensor labels;
  std::map<std::string, at::Tensor> extra;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  Batch to(c10::Device device) const;
};

// Names in Batch::extra that the engine fills and plugins read: part of the plugin contract.
namespace batch_keys {
// int64 [N]: each example's position in its split. Every batch the engine makes has it.
inline constexpr const char* kExampleIndex = "example_index";
// float [N, classes]: the [teacher]'s logits for each example (training batches, with a [teacher]).
inline constexpr const char* kTeacherLogits = "teacher_logits";
// int64 scalar: the batch's task, an index into Strategy::set_tasks' list (0: the main task).
// Only in training batches of a multi-task run; absent with one task and in `graft lr-find`.
inline constexpr const char* kTaskIndex = "task";
}  // namespace batch_keys

enum class Mode { Train, Eval };

// Tells collate how to prepare a batch. Randomness must come from these seeds alone, so that
// batches are identical whichever loader thread prepares them:
// - a draw per example (a crop, a flip, an augmentation op) from example_seed(position), which
//   depends on the pass and the example's index in its split, not on the batch it landed in: an
//   example is augmented alike by one process and by whichever rank of several holds it;
// - a draw per batch (mixing examples together) from `seed`, the pass's seed and the batch index.
struct GRAFT_SDK_API CollateOptions {
  CollateOptions() = default;
  CollateOptions(Mode mode, std::uint64_t seed, std::vector<std::uint64_t> example_seeds = {})
      : mode(mode), seed(seed), example_seeds(std::move(example_seeds)) {}

  Mode mode = Mode::Eval;
  std::uint64_t seed = 0;
  // One per example of the batch, in order; filled by the engine. When empty (a collate called
  // by hand), example_seed derives one from `seed` and the position.
  std::vector<std::uint64_t> example_seeds;

  std::uint64_t example_seed(std::size_t position) const;
};

}  // namespace graft
