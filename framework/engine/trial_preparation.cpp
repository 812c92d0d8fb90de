#include "engine/trial_preparation.hpp"

#include <fmt/format.h>

#include "engine/lr_schedule.hpp"
#include "graft/storage/location.hpp"
#include "graft/errors.hpp"

namespace graft::engine {
namespace {

// Input problems that only show once the plugins exist: no training examples, a monitored
// validation metric without a validation split.
void check_plugins(const TrialPlugins& plugins, const TrainSettings& settings) {
  if (plugins.dataset->size(Split::Train) == 0) throw InputError("the dataset has no training examples");
  const std::pair<const char*, const std::string&> monitors[] = {{"monitor", settings.monitor},
                                                                 {"early_stopping_monitor", settings.early_stopping.monitor}};
  for (const auto& [key, monitor] : monitors) {
    if (monitor.rfind("val.", 0) == 0 && plugins.dataset->size(Split::Validation) == 0) {
      throw InputError(fmt::format("train.{} = \"{}\" needs a validation split, and the dataset has none "
                                   "(give the dataset a validation fraction, or monitor train.loss)",
                                   key, monitor));
    }
  }
}

// `model` is the table of the model whose features they are: "model", or "teacher".
std::string feature_identity(const experiment::Trial& trial, const TrialPlugins& plugins, const std::string& model) {
  std::string identity;
  for (const auto& plugin : plugins.records) {
    if (plugin.kind == model || plugin.kind == "dataset") {
      identity += fmt::format("{} {} {} {}\n", plugin.kind, plugin.name, plugin.version, plugin.sha256);
    }
  }
  for (const auto& [key, value] : trial.flat) {
    if (key.rfind(model + ".", 0) == 0 || key.rfind("dataset.", 0) == 0) identity += key + " = " + to_toml(value) + "\n";
  }
  return identity + fmt::format("seed = {}\n", trial.seed);
}

}  // namespace

PreparationOptions PreparationOptions::beside_store(const std::filesystem::path& store_path,
                                                   const std::filesystem::path& search_dir, int default_threads) {
  PreparationOptions options;
  options.store_path = store_path;
  options.search_dir = search_dir;
  options.cache_dir = storage::cache_folder(store_path);
  options.default_threads = default_threads;
  return options;
}

PreparedTrial prepare_trial(const experiment::Trial& trial, const host::Registry& registry,
                            const PreparationOptions& options) {
  PreparedTrial prepared;
  prepared.declared = trial;
  prepared.resolved = trial;
  prepared.references = resolve_run_references(prepared.resolved, options.store_path, options.search_dir);
  prepared.settings = TrainSettings::from(prepared.resolved.tables.at("train"));
  prepared.schedule = prepared.resolved.plugins.at("scheduler").params;
  check_warmup_keys(prepared.schedule);
  prepared.plugins =
      setup_trial(prepared.resolved, registry, prepared.settings, options.cache_dir, options.default_threads);
  check_plugins(prepared.plugins, prepared.settings);
  prepared.device = DevicePolicy::resolve(prepared.settings.device);
  prepared.model_identity = feature_identity(prepared.resolved, prepared.plugins, "model");
  prepared.teacher_identity = feature_identity(prepared.resolved, prepared.plugins, "teacher");
  return prepared;
}

}  // namespace graft::engine
