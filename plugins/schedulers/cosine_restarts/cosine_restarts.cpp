// Scheduler `cosine_restarts`: PyTorch's CosineAnnealingWarmRestarts (SGDR): cosine annealing from
// the base LR to eta_min over t_0 steps (or epochs), then a restart at the base LR, each cycle
// t_mult times as long as the one before.
#include "../common/annealing.hpp"
#include "../common/interval.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

class CosineRestarts : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::required_param("t_0", graft::ParamType::Int, "length of the first cycle, in `interval` units")
            .at_least(1),
        graft::int_param("t_mult", 1, "each cycle is t_mult times as long as the one before").between(1, 1000),
        graft::float_param("eta_min", 0.0, "lowest LR (absolute, not a factor of [train] lr)").at_least(0),
        Interval::param(),
    };
  }

  CosineRestarts(const graft::Params& params, const graft::PluginContext&)
      : t_0_(params.get_int("t_0")),
        t_mult_(params.get_int("t_mult")),
        eta_min_(params.get_float("eta_min")),
        interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    // Walk the cycles in integers, as PyTorch's step() does one step at a time.
    std::int64_t into_cycle = interval_.elapsed(progress);
    std::int64_t cycle_length = t_0_;
    while (into_cycle >= cycle_length) {
      into_cycle -= cycle_length;
      cycle_length *= t_mult_;
    }
    return graft::schedulers::cosine_factor_to_floor(static_cast<double>(into_cycle),
                                                     static_cast<double>(cycle_length), eta_min_, progress.base_lr);
  }

 private:
  std::int64_t t_0_;
  std::int64_t t_mult_;
  double eta_min_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<CosineRestarts>("cosine_restarts", "1.0.0",
                                             "cosine annealing with warm restarts (CosineAnnealingWarmRestarts)"))
