#include "engine/lr_schedule.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::engine {

namespace {

// warmup_steps, or Hugging Face's ceil(warmup_ratio x total steps), computed in double as Python
// does (0.07 x 100 steps is 7.000000000000001, so 8 steps there and here); at most the whole run.
std::int64_t warmup_steps_of(const Params& extras, std::int64_t total_steps) {
  check_warmup_keys(extras);
  const std::int64_t steps = extras.get_int("warmup_steps");
  const double ratio = extras.get_float("warmup_ratio");
  const auto from_ratio = static_cast<std::int64_t>(std::ceil(static_cast<double>(total_steps) * ratio));
  return std::clamp<std::int64_t>(steps > 0 ? steps : from_ratio, 0, total_steps);
}

}  // namespace

void check_warmup_keys(const Params& extras) {
  const std::int64_t steps = extras.get_int("warmup_steps");
  const double ratio = extras.get_float("warmup_ratio");
  if (steps > 0 && ratio > 0) {
    throw InputError(fmt::format("[scheduler] sets both warmup_steps = {} and warmup_ratio = {}: pick one "
                                 "(warmup_steps counts optimizer steps, warmup_ratio is a share of the run's)",
                                 steps, ratio));
  }
}

LrSchedule::LrSchedule(const Scheduler& scheduler, const Params& extras, double base_lr, std::int64_t steps_per_epoch,
                       std::int64_t total_epochs)
    : scheduler_(scheduler),
      base_lr_(base_lr),
      steps_per_epoch_(std::max<std::int64_t>(1, steps_per_epoch)),
      total_epochs_(std::max<std::int64_t>(1, total_epochs)),
      total_steps_(steps_per_epoch_ * total_epochs_),
      warmup_steps_(warmup_steps_of(extras, total_steps_)),
      warmup_start_factor_(extras.get_float("warmup_start_factor")) {}

double LrSchedule::lr(std::int64_t step, const std::vector<double>& metric_history) const {
  if (step < warmup_steps_) {
    // Linear ramp from start_factor at step 0 to the schedule's value where warmup ends.
    const double ramp = static_cast<double>(step) / static_cast<double>(warmup_steps_);
    const double end = schedule_factor(warmup_steps_, metric_history);
    return base_lr_ * (warmup_start_factor_ + (end - warmup_start_factor_) * ramp);
  }
  return base_lr_ * schedule_factor(step, metric_history);
}

double LrSchedule::schedule_factor(std::int64_t step, const std::vector<double>& metric_history) const {
  // After warmup the scheduler sees steps counted from the end of warmup, over what remains;
  // epochs stay those of the whole run.
  Progress progress;
  progress.step = step - warmup_steps_;
  progress.total_steps = std::max<std::int64_t>(1, total_steps_ - warmup_steps_);
  progress.steps_per_epoch = steps_per_epoch_;
  progress.epoch = step / steps_per_epoch_;
  progress.total_epochs = total_epochs_;
  if (!metric_history.empty()) progress.last_metric = metric_history.back();
  progress.metric_history = metric_history;
  progress.base_lr = base_lr_;
  return scheduler_.factor(progress);
}

}  // namespace graft::engine
