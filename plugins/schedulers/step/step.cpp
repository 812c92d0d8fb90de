// Scheduler `step`: step decay, as PyTorch's StepLR: the LR is multiplied by gamma every
// step_size epochs (or optimizer steps, with interval = "step").
#include <cmath>

#include "graft/scheduler.hpp"

namespace {

class StepDecay : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("step_size", 1, "epochs (or steps) between two decays").at_least(1),
        graft::float_param("gamma", 0.1, "factor applied at every decay").between(0, 1),
        graft::string_param("interval", "epoch", "what step_size counts").one_of({"epoch", "step"}),
    };
  }

  StepDecay(const graft::Params& params, const graft::PluginContext&)
      : step_size_(params.get_int("step_size")),
        gamma_(params.get_float("gamma")),
        per_epoch_(params.get_string("interval") == "epoch") {}

  double factor(const graft::Progress& progress) const override {
    const std::int64_t elapsed = per_epoch_ ? progress.epoch : progress.step;
    return std::pow(gamma_, static_cast<double>(elapsed / step_size_));
  }

 private:
  std::int64_t step_size_;
  double gamma_;
  bool per_epoch_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<StepDecay>("step", "1.0.0", "step decay: LR x gamma every step_size epochs"))
