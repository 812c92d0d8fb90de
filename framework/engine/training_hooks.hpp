#pragma once
// Where features that change the training loop without owning it plug in. Each hook is optional;
// unset, the loop behaves as a single process training alone.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "engine/classification_metrics.hpp"

namespace graft::engine {

struct TrainingHooks {
  // Called once per optimizer step, after the step's gradients are complete and before gradient
  // clipping and the step: data-parallel training averages the gradients across ranks here.
  std::function<void(const std::vector<at::Tensor>& parameters)> synchronize_gradients;
  // Called on every set of metrics before they are read (an epoch's training metrics, a split's
  // evaluation): data-parallel training sums ClassificationMetrics::totals() across ranks here.
  std::function<void(ClassificationMetrics& metrics)> reduce_metrics;
  // Called after each epoch's metrics are recorded: a reason ends the trial after this epoch,
  // as early stopping does (a pruner of a hyperparameter search stops unpromising trials here).
  std::function<std::optional<std::string>(std::int64_t epoch, const std::map<std::string, double>& measured)>
      after_epoch;

  void reduce(ClassificationMetrics& metrics) const {
    if (reduce_metrics) reduce_metrics(metrics);
  }
};

}  // namespace graft::engine
