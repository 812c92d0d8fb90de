#include "engine/trial_setup.hpp"

#include <thread>

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <fmt/format.h>

#include "engine/batch_loader.hpp"
#include "engine/teacher_logits.hpp"
#include "graft/errors.hpp"
#include "host/registry.hpp"

namespace graft::engine {
namespace {

PluginContext make_context(const experiment::Trial& trial, const std::filesystem::path& cache_dir) {
  PluginContext context;
  context.seed = trial.seed;
  context.cache_dir = cache_dir;
  return context;
}

// A plugin of `table`. Where the table is not named after the plugin's kind ([tasks.coarse] holds
// a dataset, [teacher] a model), its errors say which table they come from.
template <class T>
std::shared_ptr<T> create(const experiment::Trial& trial, const std::string& table, const host::Registry& registry,
                          const PluginContext& context) {
  const auto& choice = trial.plugins.at(table);
  PluginContext serving = context;
  serving.table = table;
  if (table == kind_name(T::kind)) return registry.create_as<T>(choice.plugin, choice.params, serving);
  try {
    return registry.create_as<T>(choice.plugin, choice.params, serving);
  } catch (const host::PluginError& error) {
    throw host::PluginError(fmt::format("[{}]: {}", table, error.what()));
  }
}

storage::PluginRow describe(const host::Registry& registry, PluginKind kind, const std::string& name) {
  const auto* plugin = registry.find(kind, name);
  return storage::PluginRow{kind_name(kind), plugin->name, plugin->version, plugin->file.string(), plugin->sha256};
}

}  // namespace

int resolve_threads(const TrainSettings& settings, int default_threads) {
  if (settings.threads > 0) return settings.threads;
  if (default_threads > 0) return default_threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<TaskInfo> task_infos(const TrialPlugins& plugins, const TrainSettings& settings) {
  const Batching batching = settings.training_batching();
  std::vector<TaskInfo> infos;
  infos.push_back(TaskInfo{"main", plugins.task.num_classes(), batching.batch_count(plugins.dataset->size(Split::Train)), 1.0});
  for (const auto& task : plugins.tasks) {
    infos.push_back(TaskInfo{task.name, task.task.num_classes(), batching.batch_count(task.dataset->size(Split::Train)),
                             task.weight});
  }
  return infos;
}

TrialPlugins setup_trial(const experiment::Trial& trial, const host::Registry& registry, const TrainSettings& settings,
                         const std::filesystem::path& cache_dir, int default_threads) {
  // Debian's LibTorch would otherwise run on one thread; the user's setting or every core.
  at::set_num_threads(resolve_threads(settings, default_threads));
  torch::manual_seed(trial.seed);

  const PluginContext context = make_context(trial, cache_dir);
  TrialPlugins plugins;
  plugins.dataset = create<Dataset>(trial, "dataset", registry, context);
  plugins.task.class_names = plugins.dataset->class_names();
  if (plugins.task.num_classes() < 2) {
    throw InputError("dataset '" + trial.plugins.at("dataset").plugin + "' has " +
                     std::to_string(plugins.task.num_classes()) + " class(es); classification needs at least 2");
  }
  plugins.model = create<Model>(trial, "model", registry, context);
  plugins.model->build(plugins.task);
  plugins.strategy = create<Strategy>(trial, "strategy", registry, context);
  plugins.scheduler = create<Scheduler>(trial, "scheduler", registry, context);

  const std::pair<const char*, PluginKind> tables[] = {{"model", PluginKind::Model},
                                                       {"dataset", PluginKind::Dataset},
                                                       {"strategy", PluginKind::Strategy},
                                                       {"scheduler", PluginKind::Scheduler}};
  for (const auto& [table, kind] : tables) plugins.records.push_back(describe(registry, kind, trial.plugins.at(table).plugin));
  for (const auto& [table, choice] : trial.plugins) {
    if (experiment::family_of(table) != experiment::kTaskFamily) continue;
    AuxiliaryTask task;
    task.name = table.substr(table.find('.') + 1);
    task.weight = choice.params.get_float("weight");
    task.dataset = create<Dataset>(trial, table, registry, context);
    task.task.class_names = task.dataset->class_names();
    if (task.task.num_classes() < 2) {
      throw InputError(fmt::format("[{}]: dataset '{}' has {} class(es); a task needs at least 2", table, choice.plugin,
                                   task.task.num_classes()));
    }
    if (task.dataset->size(Split::Train) == 0) throw InputError(fmt::format("[{}]: the dataset has no training examples", table));
    auto record = describe(registry, PluginKind::Dataset, choice.plugin);
    record.kind = table;
    plugins.records.push_back(std::move(record));
    plugins.tasks.push_back(std::move(task));
  }
  try {
    plugins.strategy->set_tasks(task_infos(plugins, settings));
  } catch (const InputError& error) {
    throw InputError(fmt::format("strategy '{}': {}", trial.plugins.at("strategy").plugin, error.what()));
  }
  if (trial.plugins.count("teacher")) {
    plugins.teacher = create<Model>(trial, "teacher", registry, context);
    prepare_teacher(*plugins.teacher, *plugins.dataset, plugins.task);
    auto record = describe(registry, PluginKind::Model, trial.plugins.at("teacher").plugin);
    record.kind = "teacher";
    plugins.records.push_back(std::move(record));
  }
  return plugins;
}

}  // namespace graft::engine
