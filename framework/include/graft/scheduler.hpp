#pragma once
// Scheduler plugins: a pure function from training progress to an LR factor (LR = train.lr x
// factor x group lr_scale). Pure means `graft lr-curve` can print a schedule without training.
// Linear warmup is the engine's (keys warmup_steps / warmup_start_factor of [scheduler]) and
// composes with every scheduler: during warmup the factor ramps up, and the scheduler then sees
// progress counted from the end of warmup. No torch here.
#include <cstdint>
#include <optional>
#include <vector>

#include "graft/plugin.hpp"

namespace graft {

struct Progress {
  std::int64_t step = 0;             // optimizer steps done since warmup ended
  std::int64_t total_steps = 1;      // steps of the run after warmup
  std::int64_t steps_per_epoch = 1;
  std::int64_t epoch = 0;            // epochs completed since training started (warmup included)
  std::int64_t total_epochs = 1;
  std::optional<double> last_metric; // latest value of the monitored metric, if any
  // The monitored metric at the end of each epoch so far, oldest first (last_metric is its last
  // element). Metric-driven schedules (plateau) replay it, which keeps factor() a pure function.
  std::vector<double> metric_history;
  double base_lr = 0;                // [train] lr, for schedules with absolute floors (eta_min)
};

class GRAFT_SDK_API Scheduler : public Plugin {
 public:
  static constexpr PluginKind kind = PluginKind::Scheduler;
  ~Scheduler() override;

  virtual double factor(const Progress& progress) const = 0;
};

}  // namespace graft
