#include "experiment_loader.hpp"

#include "engine_schema.hpp"
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
  auto search_path = host::default_search_path();
  search_path.insert(search_path.end(), arguments.plugin_paths.begin(), arguments.plugin_paths.end());
  for (const auto& path : file.plugin_paths()) search_path.push_back(path);
  loaded.registry.scan(search_path);
  loaded.experiment = experiment::resolve(file, engine::make_catalog(loaded.registry));
  return loaded;
}

host::Registry registry_for_run(const std::filesystem::path& store_path, std::int64_t run_id,
                                const std::vector<std::string>& plugin_paths) {
  auto search_path = host::default_search_path();
  search_path.insert(search_path.end(), plugin_paths.begin(), plugin_paths.end());
  if (std::filesystem::exists(store_path)) {
    const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
    if (const auto run = store.get_run(run_id)) {
      for (const auto& plugin : run->plugins) search_path.push_back(std::filesystem::path(plugin.path).parent_path());
    }
  }
  host::Registry registry;
  registry.scan(search_path);
  return registry;
}

}  // namespace graft::cli
