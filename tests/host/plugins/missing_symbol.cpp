// A plugin that calls a function no library defines. With RTLD_NOW the host refuses it at load
// time, with the loader's "undefined symbol" message, instead of crashing at the first call.
#include "graft/plugin.hpp"
#include "graft/scheduler.hpp"

extern "C" double graft_test_function_nobody_defines(long step);

namespace {

class UnlinkedScheduler : public graft::Scheduler {
 public:
  static graft::ParamSchema schema() { return {}; }
  UnlinkedScheduler(const graft::Params& /*params*/, const graft::PluginContext& /*context*/) {}
  double factor(const graft::Progress& progress) const override {
    return graft_test_function_nobody_defines(static_cast<long>(progress.step));
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<UnlinkedScheduler>("test_unlinked", "1.0.0", "Must never load"))
