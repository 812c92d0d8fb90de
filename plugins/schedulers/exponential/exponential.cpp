// Scheduler `exponential`: PyTorch's ExponentialLR: the LR is multiplied by gamma every step (or
// every epoch, with interval = "epoch").
#include <cmath>

#include "../common/interval.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

class Exponential : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::required_param("gamma", graft::ParamType::Float, "factor applied every step (or epoch)").between(0, 1),
        Interval::param(),
    };
  }

  Exponential(const graft::Params& params, const graft::PluginContext&)
      : gamma_(params.get_float("gamma")), interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    return std::pow(gamma_, static_cast<double>(interval_.elapsed(progress)));
  }

 private:
  double gamma_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Exponential>("exponential", "1.0.0", "LR x gamma every step or epoch (ExponentialLR)"))
