#pragma once
// The resolved tables of one point of the sweep grid: each table's plugin and its params, with
// defaults filled in, then the file's values, then the swept values.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "experiment/plan.hpp"

namespace graft::experiment {

struct ResolvedTables {
  std::map<std::string, PluginChoice> plugins;  // plugin tables
  std::map<std::string, Params> tables;         // engine tables
};

// `choice[i]` indexes the values of plan.axes[i].
ResolvedTables resolve_tables(const Plan& plan, const std::vector<std::size_t>& choice);

}  // namespace graft::experiment
