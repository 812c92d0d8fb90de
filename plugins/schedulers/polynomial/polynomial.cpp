// Scheduler `polynomial`: PyTorch 1.13's PolynomialLR: the LR decays as (1 - t/total_iters)^power
// and reaches 0 at total_iters steps (or epochs), where it then stays.
#include <algorithm>
#include <cmath>

#include "../common/interval.hpp"
#include "graft/scheduler.hpp"

namespace {

using graft::schedulers::Interval;

class Polynomial : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("total_iters", 0,
                         "steps (or epochs) until the LR reaches 0; 0 = the whole run (after warmup)")
            .at_least(0),
        graft::float_param("power", 1.0, "exponent of the decay; 1 = linear").at_least(0),
        Interval::param(),
    };
  }

  Polynomial(const graft::Params& params, const graft::PluginContext&)
      : total_iters_(params.get_int("total_iters")), power_(params.get_float("power")), interval_(params) {}

  double factor(const graft::Progress& progress) const override {
    const auto total = interval_.length_or_run(total_iters_, progress);
    const auto elapsed = std::min(total, interval_.elapsed(progress));
    return std::pow(1.0 - static_cast<double>(elapsed) / static_cast<double>(total), power_);
  }

 private:
  std::int64_t total_iters_;
  double power_;
  Interval interval_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Polynomial>("polynomial", "1.0.0",
                                         "polynomial decay to 0 over total_iters (PolynomialLR)"))
