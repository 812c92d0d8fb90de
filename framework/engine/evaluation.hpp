#pragma once
// Measuring a model on a split: loss (cross-entropy), accuracy and macro-F1, in evaluation mode
// and without autograd.
#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include <c10/core/Device.h>

#include "batch_loader.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"
#include "graft/params.hpp"

namespace graft::engine {

using LogitsFunction = std::function<at::Tensor(const Batch&)>;

// Metrics of `logits_of` over every batch of `batches` (moved to `device` first).
std::map<std::string, double> measure(BatchSource& batches, const LogitsFunction& logits_of, std::size_t num_classes,
                                      c10::Device device);

// The model on one split, through its collate, with [train] eval_batch_size and loader settings.
std::map<std::string, double> evaluate(Model& model, const Dataset& dataset, Split split, std::size_t num_classes,
                                       const Params& train, c10::Device device);

// Loader settings of [train] for one pass over a split.
LoaderOptions loader_options(const Params& train, std::size_t batch_size, Mode mode, std::uint64_t seed, bool drop_last);

// The model's collate as a loader's collate function.
CollateFunction collate_with(Model& model);

}  // namespace graft::engine
