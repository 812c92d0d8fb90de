// graft validate FILE: check an experiment file against every schema and list its trials,
// without training or touching the store.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"

namespace graft::cli {
namespace {

struct ValidateArguments {
  ExperimentArguments experiment;
  bool show_config = false;
};

int validate(const ValidateArguments& arguments) {
  const auto loaded = load_experiment(arguments.experiment);
  const auto& experiment = loaded.experiment;
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
  auto* command = app.add_subcommand("validate", "check an experiment file and list its trials without training");
  add_experiment_arguments(*command, arguments->experiment);
  command->add_flag("--show-config", arguments->show_config, "print each trial's resolved config (TOML)");
  command->callback([arguments, &context] { context.exit_status = validate(*arguments); });
}

}  // namespace graft::cli
