#include "lr_schedule.hpp"

#include <algorithm>

namespace graft::engine {

LrSchedule::LrSchedule(const Scheduler& scheduler, const Params& extras, double base_lr, std::int64_t steps_per_epoch,
                       std::int64_t total_epochs)
    : scheduler_(scheduler),
      base_lr_(base_lr),
      steps_per_epoch_(std::max<std::int64_t>(1, steps_per_epoch)),
      total_epochs_(std::max<std::int64_t>(1, total_epochs)),
      total_steps_(steps_per_epoch_ * total_epochs_),
      warmup_steps_(std::clamp<std::int64_t>(extras.get_int("warmup_steps"), 0, total_steps_)),
      warmup_start_factor_(extras.get_float("warmup_start_factor")) {}

double LrSchedule::lr(std::int64_t step, std::optional<double> last_metric) const {
  if (step < warmup_steps_) {
    // Linear ramp from start_factor at step 0 to the schedule's value where warmup ends.
    const double ramp = static_cast<double>(step) / static_cast<double>(warmup_steps_);
    const double end = schedule_factor(warmup_steps_, last_metric);
    return base_lr_ * (warmup_start_factor_ + (end - warmup_start_factor_) * ramp);
  }
  return base_lr_ * schedule_factor(step, last_metric);
}

double LrSchedule::schedule_factor(std::int64_t step, std::optional<double> last_metric) const {
  // After warmup the scheduler sees steps counted from the end of warmup, over what remains;
  // epochs stay those of the whole run.
  Progress progress;
  progress.step = step - warmup_steps_;
  progress.total_steps = std::max<std::int64_t>(1, total_steps_ - warmup_steps_);
  progress.steps_per_epoch = steps_per_epoch_;
  progress.epoch = step / steps_per_epoch_;
  progress.total_epochs = total_epochs_;
  progress.last_metric = last_metric;
  progress.base_lr = base_lr_;
  return scheduler_.factor(progress);
}

}  // namespace graft::engine
