#include "experiment/trial_tables.hpp"

#include "experiment/conversion.hpp"

namespace graft::experiment {
namespace {

std::string chosen_plugin(const Plan& plan, const TablePlan& table, const std::vector<std::size_t>& choice) {
  for (std::size_t i = 0; i < plan.axes.size(); ++i)
    if (plan.axes[i].table == table.name && plan.axes[i].leaf == kPluginKey)
      return plan.axes[i].labels[choice[i]];  // a plugin axis's labels are the plugin names
  return table.candidates.front().plugin;      // not swept: the one candidate
}

Params resolve_params(const Plan& plan, const TablePlan& table, const Candidate& candidate,
                      const std::vector<std::size_t>& choice) {
  Params params;
  for (const ParamSpec* spec : candidate.specs())
    if (spec->default_value) params.set(spec->key, *spec->default_value);
  // Validation checked every value against every candidate; a key that this candidate does not
  // have belongs to another swept plugin and is skipped.
  auto apply = [&](const std::string& key, const RawValue& raw) {
    if (const ParamSpec* spec = candidate.find(key)) params.set(key, convert(raw, *spec));
  };
  if (table.table)
    for (const Entry& entry : table.table->entries)
      if (!(table.plugin_table && entry.key == kPluginKey)) apply(entry.key, entry.value);
  for (std::size_t i = 0; i < plan.axes.size(); ++i) {
    const Axis& axis = plan.axes[i];
    if (axis.table == table.name && !(table.plugin_table && axis.leaf == kPluginKey))
      apply(axis.leaf, axis.values[choice[i]]);
  }
  return params;
}

}  // namespace

ResolvedTables resolve_tables(const Plan& plan, const std::vector<std::size_t>& choice) {
  ResolvedTables out;
  for (const TablePlan& table : plan.tables) {
    if (table.plugin_table) {
      std::string plugin = chosen_plugin(plan, table, choice);
      Params params = resolve_params(plan, table, table.candidate(plugin), choice);
      out.plugins[table.name] = PluginChoice{std::move(plugin), std::move(params)};
    } else {
      out.tables[table.name] = resolve_params(plan, table, table.candidates.front(), choice);
    }
  }
  return out;
}

}  // namespace graft::experiment
