// The well-behaved library: two plugins in one manifest, with parameters of every shape that
// `graft plugins describe` prints (range, choices, lists, a required key, an empty default).
#include <algorithm>

#include "constant_scheduler.hpp"
#include "graft/plugin.hpp"

namespace graft_test {

class LinearScheduler : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::float_param("final_factor", 0.0, "factor reached at the last step").between(0, 1),
        graft::string_param("shape", "linear", "how the factor falls").one_of({"linear", "quadratic"}),
        graft::int_list_param("milestones", {10, 20}, "steps at which to log the factor").at_least(0),
        graft::bool_param("per_epoch", false, "step once per epoch instead of per batch"),
        graft::string_param("note", "", "free text kept with the run"),
        graft::required_param("start_factor", graft::ParamType::Float, "factor at step 0"),
    };
  }
  LinearScheduler(const graft::Params& params, const graft::PluginContext& /*context*/)
      : start_(params.get_float("start_factor")), final_(params.get_float("final_factor")) {}
  double factor(const graft::Progress& progress) const override {
    const double done = std::min(1.0, static_cast<double>(progress.step) / static_cast<double>(progress.total_steps));
    return start_ + (final_ - start_) * done;
  }

 private:
  double start_;
  double final_;
};

}  // namespace graft_test

GRAFT_PLUGIN(graft::describe<graft_test::ConstantScheduler>("test_const", "1.0.0", "Constant LR factor"),
             graft::describe<graft_test::LinearScheduler>("test_linear", "2.1.0", "Linear decay to final_factor"))
