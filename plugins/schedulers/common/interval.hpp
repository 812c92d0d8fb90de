#pragma once
// What a scheduler's lengths count, shared by every scheduler that has a length (step, multistep,
// exponential, cosine, cosine_restarts, polynomial): the `interval` param and the elapsed time.
//
// interval = "step": optimizer steps counted from the end of the engine's warmup, over the steps
// that remain; the schedule moves every step (PyTorch's scheduler.step() after every batch).
// interval = "epoch": epochs completed since training started (warmup included); the schedule
// moves once per epoch, a staircase (PyTorch's scheduler.step() after every epoch).
#include <algorithm>
#include <cstdint>
#include <string>

#include "graft/params.hpp"
#include "graft/scheduler.hpp"

namespace graft::schedulers {

class Interval {
 public:
  static ParamSpec param() {
    return string_param("interval", "step",
                        "what lengths count: \"step\" = optimizer steps after warmup, \"epoch\" = epochs of the "
                        "run (the LR then changes once per epoch)")
        .one_of({"step", "epoch"});
  }

  explicit Interval(const Params& params) : per_epoch_(params.get_string("interval") == "epoch") {}

  // Steps (after warmup) or epochs done so far: the `last_epoch` PyTorch's scheduler would have.
  std::int64_t elapsed(const Progress& progress) const { return per_epoch_ ? progress.epoch : progress.step; }

  // The length of the run in the same unit (steps after warmup, or epochs), at least 1.
  std::int64_t run_length(const Progress& progress) const {
    return std::max<std::int64_t>(1, per_epoch_ ? progress.total_epochs : progress.total_steps);
  }

  // A length param where 0 means "the whole run".
  std::int64_t length_or_run(std::int64_t configured, const Progress& progress) const {
    return configured > 0 ? configured : run_length(progress);
  }

 private:
  bool per_epoch_;
};

}  // namespace graft::schedulers
