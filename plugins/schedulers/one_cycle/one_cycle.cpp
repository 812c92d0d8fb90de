// Scheduler `one_cycle`: PyTorch's OneCycleLR with [train] lr as max_lr: the LR rises from
// max_lr / div_factor to max_lr over pct_start of the cycle, then falls to
// max_lr / (div_factor x final_div_factor) (with three_phase, back to the start first).
#include <algorithm>
#include <vector>
#include <cmath>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "graft/scheduler.hpp"

namespace {

constexpr double kPi = 3.14159265358979323846;

double cosine_anneal(double start, double end, double pct) {  // OneCycleLR._annealing_cos
  return end + (start - end) / 2.0 * (std::cos(kPi * pct) + 1);
}

double linear_anneal(double start, double end, double pct) {  // OneCycleLR._annealing_linear
  return (end - start) * pct + start;
}

// One phase of the cycle: factors of max_lr from its start to its last step.
struct Phase {
  double end_step;
  double start_factor;
  double end_factor;
};

class OneCycle : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("total_steps", 0,
                         "optimizer steps in the cycle; 0 = the whole run (after warmup). Past it the LR stays at "
                         "its last value (PyTorch raises an error there)")
            .at_least(0),
        graft::float_param("pct_start", 0.3, "share of the cycle spent raising the LR").between(0, 1),
        graft::string_param("anneal_strategy", "cos", "shape of each phase").one_of({"cos", "linear"}),
        graft::float_param("div_factor", 25.0, "the first LR is max_lr / div_factor ([train] lr is max_lr)")
            .above(0),
        graft::float_param("final_div_factor", 1e4, "the last LR is the first LR / final_div_factor")
            .above(0),
        graft::bool_param("three_phase", false,
                          "rise, fall back to the first LR, then anneal to the last LR (the paper's schedule); "
                          "false: rise, then anneal (fastai's)"),
    };
  }

  OneCycle(const graft::Params& params, const graft::PluginContext&)
      : total_steps_(params.get_int("total_steps")),
        pct_start_(params.get_float("pct_start")),
        cosine_(params.get_string("anneal_strategy") == "cos"),
        initial_(1.0 / params.get_float("div_factor")),
        final_(initial_ / params.get_float("final_div_factor")),
        three_phase_(params.get_bool("three_phase")) {}

  double factor(const graft::Progress& progress) const override {
    const std::int64_t total = total_steps_ > 0 ? total_steps_ : std::max<std::int64_t>(1, progress.total_steps);
    const auto step = static_cast<double>(std::min(progress.step, total - 1));
    const auto phases = phases_of(static_cast<double>(total));
    // OneCycleLR.get_lr: the first phase whose end is not passed; the last one takes the rest.
    double start_step = 0;
    for (std::size_t i = 0; i < phases.size(); ++i) {
      const Phase& phase = phases[i];
      if (step <= phase.end_step || i + 1 == phases.size()) {
        // A phase of no length (pct_start x total_steps = 1) is over as soon as it starts; PyTorch
        // divides by zero there.
        const double length = phase.end_step - start_step;
        const double pct = length == 0 ? 1.0 : (step - start_step) / length;
        return cosine_ ? cosine_anneal(phase.start_factor, phase.end_factor, pct)
                       : linear_anneal(phase.start_factor, phase.end_factor, pct);
      }
      start_step = phase.end_step;
    }
    return final_;  // not reached: the last phase always answers
  }

 private:
  std::vector<Phase> phases_of(double total) const {
    const double rise_end = pct_start_ * total - 1;
    if (three_phase_) {
      return {{rise_end, initial_, 1.0}, {2 * pct_start_ * total - 2, 1.0, initial_}, {total - 1, initial_, final_}};
    }
    return {{rise_end, initial_, 1.0}, {total - 1, 1.0, final_}};
  }

  std::int64_t total_steps_;
  double pct_start_;
  bool cosine_;
  double initial_;  // factors of max_lr
  double final_;
  bool three_phase_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<OneCycle>("one_cycle", "1.0.0",
                                       "one-cycle policy with [train] lr as max_lr (OneCycleLR). Momentum is not "
                                       "cycled: a scheduler only scales the LR, so [train] momentum (or Adam's beta1) "
                                       "stays fixed"))
