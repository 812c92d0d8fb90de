#pragma once
// Early stopping, as Keras' EarlyStopping callback: after each epoch, the monitored metric either
// improves on the best so far by more than min_delta (which resets the count) or not; after
// `patience` epochs in a row without improvement, training stops. The run still completes (the
// best checkpoint is measured on the test split); the reason is recorded as the run's note.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "graft/params.hpp"

namespace graft::engine {

struct EarlyStoppingOptions {
  std::string monitor;     // a metric of the epoch's measurements, e.g. "val.loss"
  std::int64_t patience = 0;  // 0: off
  double min_delta = 0;
  bool lower_is_better = false;

  // From [train]: early_stopping_patience, _min_delta, _monitor ("" = train.monitor), _mode
  // ("auto": lower is better for losses).
  static EarlyStoppingOptions from(const Params& train);
};

class EarlyStopping {
 public:
  // What it remembers between epochs (kept in a run's training state, for `graft resume`).
  struct State {
    std::optional<double> best;
    std::int64_t best_epoch = 0;
    std::int64_t epochs_without_improvement = 0;
  };

  explicit EarlyStopping(EarlyStoppingOptions options);
  const State& state() const { return state_; }
  void restore(const State& state) { state_ = state; }

  bool enabled() const { return options_.patience > 0; }
  // The reason to stop after `epoch` (0-based), given what it measured; nullopt to go on.
  std::optional<std::string> update(std::int64_t epoch, const std::map<std::string, double>& measured);

 private:
  EarlyStoppingOptions options_;
  State state_;
};

}  // namespace graft::engine
