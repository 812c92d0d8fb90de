#pragma once
// The learning-rate schedule of a trial: engine warmup composed with the scheduler plugin.
// Pure: the same step always gives the same LR, so `graft lr-curve` prints it without training.
#include <cstdint>
#include <optional>

#include "graft/params.hpp"
#include "graft/scheduler.hpp"

namespace graft::engine {

class LrSchedule {
 public:
  // `extras` holds warmup_steps and warmup_start_factor of the [scheduler] table.
  LrSchedule(const Scheduler& scheduler, const Params& extras, double base_lr, std::int64_t steps_per_epoch,
             std::int64_t total_epochs);

  // LR for the optimizer step numbered `step` (0-based), before group scales.
  double lr(std::int64_t step, std::optional<double> last_metric = std::nullopt) const;
  std::int64_t total_steps() const { return total_steps_; }
  std::int64_t steps_per_epoch() const { return steps_per_epoch_; }

 private:
  double schedule_factor(std::int64_t step, std::optional<double> last_metric) const;

  const Scheduler& scheduler_;
  double base_lr_;
  std::int64_t steps_per_epoch_;
  std::int64_t total_epochs_;
  std::int64_t total_steps_;
  std::int64_t warmup_steps_;
  double warmup_start_factor_;
};

}  // namespace graft::engine
