#pragma once
// The smallest real plugin class: a scheduler whose LR factor is its "value" parameter.
// Schedulers need no LibTorch, so the host's test libraries build in seconds; each library
// compiles its own hidden copy, as separately built plugins would.
#include "graft/scheduler.hpp"

namespace graft_test {

class ConstantScheduler : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() {
    return {graft::float_param("value", 1.0, "LR factor at every step").between(0, 10)};
  }
  ConstantScheduler(const graft::Params& params, const graft::PluginContext& /*context*/)
      : value_(params.get_float("value")) {}
  double factor(const graft::Progress& /*progress*/) const override { return value_; }

 private:
  double value_;
};

}  // namespace graft_test
