#pragma once
// The learning-rate schedule of a trial: engine warmup composed with the scheduler plugin.
// Pure: the same step always gives the same LR, so `graft lr-curve` prints it without training.
#include <cstdint>
#include <vector>

#include "graft/params.hpp"
#include "graft/scheduler.hpp"

namespace graft::engine {

class LrSchedule {
 public:
  // `extras` holds the warmup keys of the [scheduler] table (warmup_steps, warmup_ratio,
  // warmup_start_factor). Throws InputError when both warmup_steps and warmup_ratio are set.
  LrSchedule(const Scheduler& scheduler, const Params& extras, double base_lr, std::int64_t steps_per_epoch,
             std::int64_t total_epochs);

  // LR for the optimizer step numbered `step` (0-based), before group scales.
  // `metric_history` holds the monitored metric at the end of each completed epoch.
  double lr(std::int64_t step, const std::vector<double>& metric_history = {}) const;
  std::int64_t total_steps() const { return total_steps_; }
  std::int64_t steps_per_epoch() const { return steps_per_epoch_; }
  std::int64_t warmup_steps() const { return warmup_steps_; }

 private:
  double schedule_factor(std::int64_t step, const std::vector<double>& metric_history) const;

  const Scheduler& scheduler_;
  double base_lr_;
  std::int64_t steps_per_epoch_;
  std::int64_t total_epochs_;
  std::int64_t total_steps_;
  std::int64_t warmup_steps_;
  double warmup_start_factor_;
};

// Throws InputError when the [scheduler] table sets both warmup_steps and warmup_ratio: the
// check needs no run length, so it can be made before a run starts.
void check_warmup_keys(const Params& extras);

}  // namespace graft::engine
