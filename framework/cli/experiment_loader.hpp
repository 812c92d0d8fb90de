#pragma once
// What `run`, `validate` and `lr-curve` share: read the file and its overrides, load the plugins
// it may need (built-in folder, GRAFT_PLUGIN_PATH, --plugin-path, [plugins] paths), validate.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "experiment/experiment.hpp"
#include "host/registry.hpp"

namespace graft::cli {

struct ExperimentArguments {
  std::string file;
  std::vector<std::string> overrides;     // --set KEY=VALUE
  std::vector<std::string> plugin_paths;  // --plugin-path DIR
};

// Adds FILE, --set and --plugin-path to a subcommand.
void add_experiment_arguments(CLI::App& command, ExperimentArguments& arguments);

struct LoadedExperiment {
  host::Registry registry;
  experiment::Experiment experiment;
};

// Throws ConfigError (one positioned line) or InputError: nothing has run or been written.
LoadedExperiment load_experiment(const ExperimentArguments& arguments);

// The plugins of the default search path (built-in folder, GRAFT_PLUGIN_PATH), `plugin_paths`
// (--plugin-path) and `more` folders.
host::Registry load_registry(const std::vector<std::string>& plugin_paths,
                             const std::vector<std::filesystem::path>& more = {});

// The plugins of the default search path, `plugin_paths` (--plugin-path) and `run_id`'s own
// plugin folders as the store recorded them (for commands that rebuild a recorded run).
host::Registry registry_for_run(const std::filesystem::path& store_path, std::int64_t run_id,
                                const std::vector<std::string>& plugin_paths);

}  // namespace graft::cli
