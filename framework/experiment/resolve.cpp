// resolve(): validation, then sweep expansion. Nothing runs before this returns.
#include "experiment/file_impl.hpp"
#include "experiment/plan.hpp"
#include "experiment/sweep.hpp"

namespace graft::experiment {

Experiment resolve(const ExperimentFile& file, const SchemaCatalog& catalog) {
  const Plan plan = make_plan(file.impl().doc, catalog);
  Experiment out;
  out.file = file.display_name();
  out.plugin_paths = file.plugin_paths();
  for (const Axis& axis : plan.axes) out.swept_keys.push_back(axis.key);
  if (plan.repeats > 1) out.swept_keys.emplace_back("seed");
  out.trials = expand(plan);
  // Only experiment.seed may be swept, so every trial has the same name and description.
  const Params& experiment = out.trials.front().tables.at("experiment");
  auto text = [&](const char* key) -> std::string {
    const auto* value = experiment.has(key) ? std::get_if<std::string>(&experiment.at(key)) : nullptr;
    return value ? *value : std::string();
  };
  out.name = text("name");
  out.description = text("description");
  return out;
}

}  // namespace graft::experiment
