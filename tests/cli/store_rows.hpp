#pragma once
// What the end-to-end tests read back from a run's store: its metric rows, its plugins.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <variant>

#include "graft/storage/store.hpp"

namespace graft::testing {

// Every metric row of a run as "key@step" -> value.
inline std::map<std::string, double> metric_values(const storage::Store& store, std::int64_t run) {
  const auto result = store.query("SELECT key, step, value FROM metrics WHERE run_id = " + std::to_string(run));
  std::map<std::string, double> values;
  for (const auto& row : result.rows) {
    values[std::get<std::string>(row[0]) + "@" + storage::to_text(row[1])] = std::get<double>(row[2]);
  }
  return values;
}

// Whether the run recorded plugin `name` under `kind` ("teacher", "tasks.coarse", ...).
inline bool used_plugin(const storage::RunDetails& run, const std::string& kind, const std::string& name) {
  return std::any_of(run.plugins.begin(), run.plugins.end(),
                     [&](const auto& plugin) { return plugin.kind == kind && plugin.name == name; });
}

}  // namespace graft::testing
