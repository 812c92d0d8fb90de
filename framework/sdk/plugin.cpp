#include "graft/plugin.hpp"

#include "graft/scheduler.hpp"

namespace graft {

Plugin::~Plugin() = default;
Scheduler::~Scheduler() = default;

const char* kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::Model: return "model";
    case PluginKind::Dataset: return "dataset";
    case PluginKind::Strategy: return "strategy";
    case PluginKind::Scheduler: return "scheduler";
  }
  return "unknown";
}

}  // namespace graft
