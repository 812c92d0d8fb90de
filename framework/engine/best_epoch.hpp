#pragma once
// The monitored metric across epochs: its history (what a plateau scheduler reads), the best
// epoch so far and everything measured then (the run's summary, as best.* rows), and the test
// metrics of the best checkpoint. Kept in the training state, so a resumed run picks the same
// best epoch as an uninterrupted one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/training_state.hpp"

namespace graft::engine {

class BestEpoch {
 public:
  explicit BestEpoch(std::string monitor);

  // After epoch `epoch`: true when `measured` holds the monitored metric and it improved on the
  // best so far (upward, except losses): the epoch whose checkpoint becomes "best".
  bool update(std::int64_t epoch, const std::map<std::string, double>& measured);
  // Metrics measured later with the best epoch's weights (the test split).
  void add(const std::string& key, double value) { best_measured_[key] = value; }

  const std::vector<double>& history() const { return history_; }
  const std::optional<std::int64_t>& epoch() const { return best_epoch_; }
  // best.epoch and best.<key> for everything measured at the best epoch; empty before one.
  std::map<std::string, double> summary() const;

  void save(TrainingState& state) const;
  void restore(const TrainingState& state);

 private:
  std::string monitor_;
  std::vector<double> history_;  // the monitored metric at each epoch end
  std::optional<double> best_monitored_;
  std::optional<std::int64_t> best_epoch_;
  std::map<std::string, double> best_measured_;
};

}  // namespace graft::engine
