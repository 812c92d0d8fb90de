#pragma once
// What flows from datasets through models: examples (one item, as the dataset stores it) and
// batches (a model's collated, preprocessed tensors).
#include <cstdint>
#include <map>
#include <string>

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

// Tells collate how to prepare a batch. Random augmentation must draw only from `seed`, so that
// batches are identical whichever loader thread prepares them.
struct CollateOptions {
  Mode mode = Mode::Eval;
  std::uint64_t seed = 0;
};

}  // namespace graft
