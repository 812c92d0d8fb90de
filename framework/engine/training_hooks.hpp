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

// The part of the data this process trains and evaluates on: all of it alone, one rank's share
// under data-parallel training (training_batches.hpp deals it).
struct DataShare {
  std::size_t rank = 0;
  std::size_t ranks = 1;

  bool alone() const { return ranks == 1; }
};

struct TrainingHooks {
  DataShare share;
  // False on every rank but rank 0 of a data-parallel run: the store, the run folder and the
  // feature cache are rank 0's alone.
  bool writes_results = true;
  // Called before the backward pass of a step's last batch, with the parameters the step updates:
  // data-parallel training starts averaging each bucket of gradients as that pass completes it.
  std::function<void(const std::vector<at::Tensor>& parameters)> start_gradient_sync;
  // Called once per optimizer step, after the step's gradients are complete and before gradient
  // clipping and the step, with the batches of the step this process back-propagated; returns
  // those of every process (0: nobody steps). Data-parallel training averages the gradients here.
  std::function<std::int64_t(const std::vector<at::Tensor>& parameters, std::int64_t contributed)>
      synchronize_gradients;
  // Called on every set of metrics before they are read (an epoch's training metrics, a split's
  // evaluation): data-parallel training sums ClassificationMetrics::totals() across ranks here.
  std::function<void(ClassificationMetrics& metrics)> reduce_metrics;
  // Sums values across processes in place (the logged training loss of a step).
  std::function<void(std::vector<double>& values)> sum_values;
  // Makes every process's weights (parameters and buffers) those of the process that writes
  // results: at the start of a trial, and after that process loaded a checkpoint.
  std::function<void(const std::vector<at::Tensor>& weights)> share_weights;
  // Called after each epoch's metrics are recorded: a reason ends the trial after this epoch,
  // as early stopping does (a pruner of a hyperparameter search stops unpromising trials here).
  std::function<std::optional<std::string>(std::int64_t epoch, const std::map<std::string, double>& measured)>
      after_epoch;

  void reduce(ClassificationMetrics& metrics) const {
    if (reduce_metrics) reduce_metrics(metrics);
  }
  // The mean of `value` over the processes.
  double mean(double value) const {
    if (!sum_values) return value;
    std::vector<double> values = {value};
    sum_values(values);
    return values[0] / static_cast<double>(share.ranks);
  }
};

}  // namespace graft::engine
