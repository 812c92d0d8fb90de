// Scheduler `constant`: the LR of [train] throughout (after the optional warmup).
#include "graft/scheduler.hpp"

namespace {

class Constant : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() { return {}; }
  Constant(const graft::Params&, const graft::PluginContext&) {}
  double factor(const graft::Progress&) const override { return 1.0; }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Constant>("constant", "1.0.0", "constant learning rate (with optional warmup)"))
