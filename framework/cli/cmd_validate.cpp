// graft validate FILE: check an experiment file against every schema and list its trials,
// without training or writing to the store. --prepare also prepares every trial the way
// `graft run` does before the first trains (engine::prepare_trials): data, models, run:NAME.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/training_commands.hpp"
#include "engine/experiment_runner.hpp"

namespace graft::cli {
namespace {

struct ValidateArguments {
  ExperimentArguments experiment;
  bool show_config = false;
  bool prepare = false;
};

int validate(const ValidateArguments& arguments, const Context& context) {
  const auto loaded = load_experiment(arguments.experiment);
  const auto& experiment = loaded.experiment;
  if (arguments.prepare) {
    engine::RunOptions options;
    options.store_path = context.store_path();  // where run:NAME references are looked up
    engine::prepare_trials(experiment, loaded.registry, options, {});
  }
  std::cout << fmt::format("{}: ok, experiment '{}' with {} trial(s)", experiment.file, experiment.name,
                           experiment.trials.size());
  if (!experiment.swept_keys.empty()) {
    std::string keys;
    for (const auto& key : experiment.swept_keys) keys += (keys.empty() ? "" : ", ") + key;
    std::cout << " over " << keys;
  }
  std::cout << '\n';
  for (const auto& trial : experiment.trials) {
    std::cout << fmt::format("  trial {:>3}  {}  (config {})\n", trial.index + 1, trial.name,
                             trial.config_hash.substr(0, 12));
    if (arguments.show_config) std::cout << trial.config_toml << '\n';
  }
  return 0;
}

}  // namespace

void add_validate_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<ValidateArguments>();
  auto* command = app.add_subcommand("validate", summary_of("validate"));
  add_experiment_arguments(*command, arguments->experiment);
  command->add_flag("--show-config", arguments->show_config, "print each trial's resolved config (TOML)");
  command->add_flag("--prepare", arguments->prepare,
                    "also prepare every trial as graft run does before training (load its data, build its model, "
                    "resolve run:NAME in the store): what only the plugins can check");
  command->callback([arguments, &context] { context.exit_status = validate(*arguments, context); });
}

}  // namespace graft::cli
