// Scheduler `cosine`: cosine annealing from the base LR down to eta_min over t_max steps (or
// epochs), PyTorch's CosineAnnealingLR (past t_max the cosine climbs back, as there).
#include "../common/annealing.hpp"
#include "../common/interval.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

class Cosine : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("t_max", 0, "length of the half cosine, in `interval` units; 0 = the whole run (after warmup)")
            .at_least(0),
        graft::float_param("eta_min", 0.0, "lowest LR (absolute, not a factor of [train] lr)").at_least(0),
        Interval::param(),
    };
  }

  Cosine(const graft::Params& params, const graft::PluginContext&)
      : t_max_(params.get_int("t_max")), eta_min_(params.get_float("eta_min")), interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    return graft::schedulers::cosine_factor_to_floor(static_cast<double>(interval_.elapsed(progress)),
                                                     static_cast<double>(interval_.length_or_run(t_max_, progress)),
                                                     eta_min_, progress.base_lr);
  }

 private:
  std::int64_t t_max_;
  double eta_min_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Cosine>("cosine", "1.0.0",
                                     "cosine annealing to eta_min over t_max steps or epochs (CosineAnnealingLR)"))
