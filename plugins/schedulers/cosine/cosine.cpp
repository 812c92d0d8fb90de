// Scheduler `cosine`: cosine annealing from the base LR down to eta_min over t_max steps (or
// epochs), in PyTorch's CosineAnnealingLR closed form (past t_max the cosine climbs back, as there).
#include <algorithm>
#include <cmath>

#include "graft/scheduler.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

class Cosine : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("t_max", 0, "length of the half cosine; 0 = the whole run (after warmup)").at_least(0),
        graft::float_param("eta_min", 0.0, "lowest LR (absolute, not a factor)").at_least(0),
        graft::string_param("interval", "step", "what t_max counts; \"epoch\" gives PyTorch's per-epoch staircase")
            .one_of({"step", "epoch"}),
    };
  }

  Cosine(const graft::Params& params, const graft::PluginContext&)
      : t_max_(params.get_int("t_max")),
        eta_min_(params.get_float("eta_min")),
        per_epoch_(params.get_string("interval") == "epoch") {}

  double factor(const graft::Progress& progress) const override {
    const double elapsed = static_cast<double>(per_epoch_ ? progress.epoch : progress.step);
    const double length = static_cast<double>(
        t_max_ > 0 ? t_max_ : std::max<std::int64_t>(1, per_epoch_ ? progress.total_epochs : progress.total_steps));
    const double base = progress.base_lr;
    if (base <= 0) return 1.0;  // nothing to anneal
    const double lr = eta_min_ + (base - eta_min_) * (1 + std::cos(kPi * elapsed / length)) / 2;
    return lr / base;
  }

 private:
  std::int64_t t_max_;
  double eta_min_;
  bool per_epoch_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Cosine>("cosine", "1.0.0", "cosine annealing to eta_min over t_max steps or epochs"))
