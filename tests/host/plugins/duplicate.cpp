// A second "test_linear" scheduler, in a folder of its own: scanned together with the good
// library it is a duplicate, which the registry refuses naming both files.
#include "constant_scheduler.hpp"
#include "graft/plugin.hpp"

GRAFT_PLUGIN(graft::describe<graft_test::ConstantScheduler>("test_linear", "9.9.9", "Same name as the good one"))
