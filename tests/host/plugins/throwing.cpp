// Plugin code that throws where the host calls it: a factory (reported by create(), the library
// still loads) and a schema function (that plugin is skipped at load, its neighbour is not).
#include <stdexcept>

#include "constant_scheduler.hpp"
#include "graft/plugin.hpp"

namespace graft_test {

class ThrowingFactory : public ConstantScheduler {
 public:
  ThrowingFactory(const graft::Params& params, const graft::PluginContext& context) : ConstantScheduler(params, context) {
    throw std::runtime_error("cannot open weights file 'missing.pt'");
  }
};

class ThrowingSchema : public ConstantScheduler {
 public:
  using ConstantScheduler::ConstantScheduler;
  static graft::ParamSchema schema() { throw std::runtime_error("schema table is corrupt"); }
};

}  // namespace graft_test

GRAFT_PLUGIN(graft::describe<graft_test::ThrowingFactory>("test_throwing", "1.0.0", "Factory always throws"),
             graft::describe<graft_test::ThrowingSchema>("test_bad_schema", "1.0.0", "Schema always throws"))
