#include "cli/experiment_loader.hpp"

#include "engine/engine_schema.hpp"
#include "graft/storage/store.hpp"

namespace graft::cli {

void add_experiment_arguments(CLI::App& command, ExperimentArguments& arguments) {
  command.add_option("FILE", arguments.file, "experiment file (TOML)")->required();
  command.add_option("--set", arguments.overrides, "override a key of the file: --set train.lr=3e-4 (repeatable)");
  command.add_option("--plugin-path", arguments.plugin_paths, "extra folder of plugin libraries (repeatable)");
}

LoadedExperiment load_experiment(const ExperimentArguments& arguments) {
  std::vector<experiment::Override> overrides;
  for (const auto& text : arguments.overrides) overrides.push_back(experiment::parse_override(text));
  const auto file = experiment::ExperimentFile::load(arguments.file, std::move(overrides));

  LoadedExperiment loaded;
  loaded.registry = load_registry(arguments.plugin_paths, file.plugin_paths());
  loaded.experiment = experiment::resolve(file, engine::make_catalog(loaded.registry));
  return loaded;
}

host::Registry load_registry(const std::vector<std::string>& plugin_paths,
                             const std::vector<std::filesystem::path>& more) {
  auto search_path = host::default_search_path();
  search_path.insert(search_path.end(), plugin_paths.begin(), plugin_paths.end());
  search_path.insert(search_path.end(), more.begin(), more.end());
  host::Registry registry;
  registry.scan(search_path);
  return registry;
}

host::Registry registry_for_run(const std::filesystem::path& store_path, std::int64_t run_id,
                                const std::vector<std::string>& plugin_paths) {
  std::vector<std::filesystem::path> run_folders;
  if (std::filesystem::exists(store_path)) {
    const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
    if (const auto run = store.get_run(run_id)) {
      for (const auto& plugin : run->plugins) run_folders.push_back(std::filesystem::path(plugin.path).parent_path());
    }
  }
  return load_registry(plugin_paths, run_folders);
}

}  // namespace graft::cli
