// Scheduler `multistep`: PyTorch's MultiStepLR: the LR is multiplied by gamma at each milestone,
// a step (or epoch, with interval = "epoch") number.
#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../common/interval.hpp"
#include "graft/errors.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

std::vector<std::int64_t> checked_milestones(const graft::Params& params) {
  const auto& milestones = params.get_int_list("milestones");
  if (milestones.empty()) {
    throw graft::InputError("milestones is empty: give the steps (or epochs) at which to decay the LR, "
                            "or use the constant scheduler");
  }
  if (std::adjacent_find(milestones.begin(), milestones.end(), std::greater_equal<>()) != milestones.end()) {
    throw graft::InputError(fmt::format("milestones must be strictly increasing, got [{}]: list each decay once, "
                                        "in order",
                                        fmt::join(milestones, ", ")));
  }
  return milestones;
}

class MultiStep : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::required_param("milestones", graft::ParamType::IntList,
                              "steps (or epochs) at which the LR is multiplied by gamma, increasing")
            .at_least(0),
        graft::float_param("gamma", 0.1, "factor applied at every milestone").between(0, 1),
        Interval::param(),
    };
  }

  MultiStep(const graft::Params& params, const graft::PluginContext&)
      : milestones_(checked_milestones(params)), gamma_(params.get_float("gamma")), interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    // Milestones passed so far, the one at `elapsed` included (PyTorch's bisect_right).
    const auto passed = std::upper_bound(milestones_.begin(), milestones_.end(), interval_.elapsed(progress)) -
                        milestones_.begin();
    return std::pow(gamma_, static_cast<double>(passed));
  }

 private:
  std::vector<std::int64_t> milestones_;
  double gamma_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<MultiStep>("multistep", "1.0.0",
                                        "LR x gamma at each milestone step or epoch (MultiStepLR)"))
