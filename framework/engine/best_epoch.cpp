#include "engine/best_epoch.hpp"

#include <utility>

#include "engine/classification_metrics.hpp"

namespace graft::engine {

BestEpoch::BestEpoch(std::string monitor) : monitor_(std::move(monitor)) {}

bool BestEpoch::update(std::int64_t epoch, const std::map<std::string, double>& measured) {
  const auto monitored = measured.find(monitor_);
  if (monitored == measured.end()) return false;
  const double value = monitored->second;
  history_.push_back(value);
  const bool improved =
      !best_monitored_ || (lower_is_better(monitor_) ? value < *best_monitored_ : value > *best_monitored_);
  if (!improved) return false;
  best_monitored_ = value;
  best_epoch_ = epoch;
  best_measured_ = measured;
  return true;
}

std::map<std::string, double> BestEpoch::summary() const {
  std::map<std::string, double> summary;
  if (!best_epoch_) return summary;
  summary["best.epoch"] = static_cast<double>(*best_epoch_);
  for (const auto& [key, value] : best_measured_) summary["best." + key] = value;
  return summary;
}

void BestEpoch::save(TrainingState& state) const {
  state.metric_history = history_;
  state.best_monitored = best_monitored_;
  state.best_epoch = best_epoch_;
  state.best_measured = best_measured_;
}

void BestEpoch::restore(const TrainingState& state) {
  history_ = state.metric_history;
  best_monitored_ = state.best_monitored;
  best_epoch_ = state.best_epoch;
  best_measured_ = state.best_measured;
}

}  // namespace graft::engine
