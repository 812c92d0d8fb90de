#include "engine/early_stopping.hpp"

#include <fmt/format.h>

#include "engine/classification_metrics.hpp"
#include "graft/errors.hpp"

namespace graft::engine {

EarlyStoppingOptions EarlyStoppingOptions::from(const Params& train) {
  EarlyStoppingOptions options;
  options.monitor = train.get_string("early_stopping_monitor");
  if (options.monitor.empty()) options.monitor = train.get_string("monitor");
  options.patience = train.get_int("early_stopping_patience");
  options.min_delta = train.get_float("early_stopping_min_delta");
  const std::string& mode = train.get_string("early_stopping_mode");
  options.lower_is_better = mode == "min" || (mode == "auto" && engine::lower_is_better(options.monitor));
  return options;
}

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : options_(std::move(options)) {}

std::optional<std::string> EarlyStopping::update(std::int64_t epoch, const std::map<std::string, double>& measured) {
  if (!enabled()) return std::nullopt;
  const auto found = measured.find(options_.monitor);
  if (found == measured.end()) {
    throw InputError(fmt::format("train.early_stopping_monitor: '{}' was not measured in epoch {} (does the "
                                 "dataset have that split?)",
                                 options_.monitor, epoch + 1));
  }
  const double value = found->second;
  const bool improved = !state_.best || (options_.lower_is_better ? value < *state_.best - options_.min_delta
                                                            : value > *state_.best + options_.min_delta);
  if (improved) {
    state_.best = value;
    state_.best_epoch = epoch;
    state_.epochs_without_improvement = 0;
    return std::nullopt;
  }
  if (++state_.epochs_without_improvement < options_.patience) return std::nullopt;
  return fmt::format("stopped early after epoch {}: {} has not improved by more than {} for {} epoch(s) (best {:.6g} "
                     "at epoch {})",
                     epoch + 1, options_.monitor, options_.min_delta, options_.patience, *state_.best, state_.best_epoch + 1);
}

}  // namespace graft::engine
