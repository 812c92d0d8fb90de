// A strategy plugin named like the scheduler "test_const", so that `graft plugins describe
// test_const` must ask for --kind. A real strategy needs LibTorch; the host reads only the
// descriptor until create(), so a descriptor of kind Strategy is all these tests need.
#include "constant_scheduler.hpp"
#include "graft/plugin.hpp"

GRAFT_PLUGIN((graft::PluginDescriptor{graft::PluginKind::Strategy, "test_const", "0.3.0",
                                      "Strategy named like a scheduler", &graft_test::ConstantScheduler::schema,
                                      &graft::construct_plugin<graft_test::ConstantScheduler>}))
