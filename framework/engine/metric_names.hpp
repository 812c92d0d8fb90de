#pragma once
// The names of a run's metrics: the main task's "val.accuracy", a further task's
// "task/NAME/val.accuracy" (docs/querying.md lists them all).
#include <string>

namespace graft::engine {

// "task/coarse/" for the further task `coarse`: the prefix of its metrics.
inline std::string task_prefix(const std::string& task_name) { return "task/" + task_name + "/"; }

}  // namespace graft::engine
