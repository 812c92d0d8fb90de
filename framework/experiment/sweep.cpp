#include "experiment/sweep.hpp"

#include <map>

#include <fmt/format.h>

#include "experiment/canonical_toml.hpp"
#include "experiment/suggestions.hpp"
#include "experiment/trial_tables.hpp"

namespace graft::experiment {
namespace {

constexpr const char* kExperimentTable = "experiment";
constexpr const char* kSeedKey = "seed";

// Odometer over the axis groups, the last turning fastest (linked axes turn together); false
// once every combination was visited.
bool advance(std::vector<std::size_t>& choice, const std::vector<Axis>& axes) {
  for (std::size_t i = axes.size(); i-- > 0;) {
    if (i > 0 && axes[i - 1].group == axes[i].group) continue;  // turned with its group's first axis
    const bool carry = choice[i] + 1 >= axes[i].labels.size();
    for (std::size_t j = i; j < axes.size() && axes[j].group == axes[i].group; ++j) choice[j] = carry ? 0 : choice[j] + 1;
    if (!carry) return true;
  }
  return false;
}

// What a trial name calls each axis: the last component of its key ("lr"), or the table for a
// plugin choice ("strategy" for strategy.plugin), so names stay short enough to read in a table.
// Axes whose short names would collide, with each other or with the repeats' "seed", keep their
// full keys, so a name always tells its trials apart.
std::vector<std::string> axis_names(const Plan& plan, bool name_seed) {
  const auto short_name = [](const Axis& axis) { return axis.leaf == kPluginKey ? axis.table : axis.leaf; };
  std::map<std::string, int> uses;
  if (name_seed) ++uses[kSeedKey];
  for (const Axis& axis : plan.axes) ++uses[short_name(axis)];
  std::vector<std::string> names;
  for (const Axis& axis : plan.axes) names.push_back(uses[short_name(axis)] > 1 ? axis.key : short_name(axis));
  return names;
}

std::vector<std::string> swept_values(const Plan& plan, const std::vector<std::string>& names,
                                      const std::vector<std::size_t>& choice) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < plan.axes.size(); ++i)
    parts.push_back(fmt::format("{}={}", names[i], plan.axes[i].labels[choice[i]]));
  return parts;
}

// experiment.seed of this combination (it may be swept); 0 when the engine has no seed key.
std::int64_t base_seed(const ResolvedTables& resolved) {
  auto experiment = resolved.tables.find(kExperimentTable);
  if (experiment == resolved.tables.end() || !experiment->second.has(kSeedKey)) return 0;
  return experiment->second.get_int(kSeedKey);
}

}  // namespace

std::vector<Trial> expand(const Plan& plan) {
  std::vector<Trial> trials;
  std::vector<std::size_t> choice(plan.axes.size(), 0);
  // The seed is in the name whenever it tells trials apart, and alone when nothing else would.
  const bool name_seed = plan.repeats > 1 || plan.axes.empty();
  const std::vector<std::string> names = axis_names(plan, name_seed);
  do {
    const ResolvedTables resolved = resolve_tables(plan, choice);
    const std::int64_t first_seed = base_seed(resolved);
    for (std::int64_t repeat = 0; repeat < plan.repeats; ++repeat) {
      Trial trial;
      trial.index = static_cast<int>(trials.size());
      trial.seed = static_cast<std::uint64_t>(first_seed + repeat);
      trial.plugins = resolved.plugins;
      trial.tables = resolved.tables;
      trial.tables[kExperimentTable].set(kSeedKey, static_cast<std::int64_t>(trial.seed));
      std::vector<std::string> parts = swept_values(plan, names, choice);
      if (name_seed) parts.push_back(fmt::format("seed={}", trial.seed));
      trial.name = join(parts, ",");
      canonicalize(trial);
      trials.push_back(std::move(trial));
    }
  } while (advance(choice, plan.axes));
  return trials;
}

}  // namespace graft::experiment
