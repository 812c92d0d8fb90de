// Scheduler `step`: step decay, PyTorch's StepLR: the LR is multiplied by gamma every step_size
// optimizer steps (or epochs, with interval = "epoch").
#include <cmath>

#include "../common/interval.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

class StepDecay : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::required_param("step_size", graft::ParamType::Int, "steps (or epochs) between two decays").at_least(1),
        graft::float_param("gamma", 0.1, "factor applied at every decay").between(0, 1),
        Interval::param(),
    };
  }

  StepDecay(const graft::Params& params, const graft::PluginContext&)
      : step_size_(params.get_int("step_size")), gamma_(params.get_float("gamma")), interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    return std::pow(gamma_, static_cast<double>(interval_.elapsed(progress) / step_size_));
  }

 private:
  std::int64_t step_size_;
  double gamma_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<StepDecay>("step", "2.0.0",
                                        "step decay: LR x gamma every step_size steps or epochs (StepLR)"))
