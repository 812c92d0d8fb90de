#pragma once
// What validation hands to sweep expansion: every table a trial has, the plugins each plugin
// table may use, and the sweep axes, all checked. Points into the Document, which outlives it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "experiment/document.hpp"
#include "experiment/experiment.hpp"

namespace graft::experiment {

// One schema a table's keys are checked against: a plugin's (plus the table's engine extras), or
// an engine table's.
struct Candidate {
  std::string plugin;                   // empty for an engine table
  const ParamSchema* schema = nullptr;
  const ParamSchema* extras = nullptr;  // plugin_table_extras of the table, if any

  const ParamSpec* find(std::string_view key) const;
  std::vector<std::string> keys() const;  // schema order, then extras
  std::vector<const ParamSpec*> specs() const;
};

struct TablePlan {
  std::string name;
  bool plugin_table = false;
  PluginKind kind = PluginKind::Model;    // plugin tables only
  std::vector<Candidate> candidates;      // an engine table has one; a swept plugin table several
  const Table* table = nullptr;           // nullptr when the file has no such table

  const Candidate& candidate(std::string_view plugin) const;
};

struct Axis {
  std::string key;    // "train.lr"
  std::string table;  // "train"
  std::string leaf;   // "lr"
  const Entry* entry = nullptr;     // the [sweep] entry that declares it
  std::vector<RawValue> values;     // one per point of the axis
  std::vector<std::string> labels;  // display form of each value, for trial names
  // Axes declared together ("strategy.plugin, model.pretrained" = [[...], ...]) share a group and
  // move in step: their i-th values make one point. A plain axis is a group of its own.
  std::size_t group = 0;
};

struct Plan {
  std::vector<TablePlan> tables;  // sorted by name
  std::vector<Axis> axes;         // declaration order: the first varies slowest
  std::int64_t repeats = 1;

  // The axis that sweeps `table.leaf`, or nullptr.
  const Axis* axis(std::string_view table, std::string_view leaf) const;
};

// Checks the whole document against the catalog; throws ConfigError at the first problem.
Plan make_plan(const Document& doc, const SchemaCatalog& catalog);

// The schema of the reserved [plugins] table.
const ParamSchema& plugins_table_schema();

}  // namespace graft::experiment
