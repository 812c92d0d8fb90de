// graft lr-curve FILE: the learning rate of every optimizer group at every step of a trial,
// without training. The schedule gives the LR; the trial's strategy gives each group's scale and,
// epoch by epoch, whether the group trains at all (a frozen group's LR is printed as 0). So the
// model is built (for the dataset's classes) and the strategy is stepped through the epochs, as
// the trainer would, but no batch is ever run.
#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/output.hpp"
#include "cli/training_commands.hpp"
#include "engine/lr_schedule.hpp"
#include "engine/trial_preparation.hpp"
#include "graft/errors.hpp"
#include "graft/storage/epoch_numbers.hpp"

namespace graft::cli {
namespace {

struct LrCurveArguments {
  ExperimentArguments experiment;
  int trial = 1;
  std::int64_t steps_per_epoch = 0;
  std::int64_t every = 0;
  bool json = false;
  bool csv = false;
};

// As the trainer counts them: the batches the strategy orders per epoch (every task's, in a
// multi-task run), `accumulate` of them per step.
std::int64_t steps_per_epoch(const LrCurveArguments& arguments, const engine::PreparedTrial& trial) {
  if (arguments.steps_per_epoch > 0) return arguments.steps_per_epoch;
  return trial.settings.optimizer_steps_for_batches(trial.plugins.strategy->task_order(0).size());
}

// A group trains when any of its parameters gets a gradient.
bool group_trains(const OptimizerGroup& group) {
  return std::any_of(group.parameters.begin(), group.parameters.end(),
                     [](const at::Tensor& parameter) { return parameter.requires_grad(); });
}

// trains[epoch][group]: steps the strategy through every epoch in order, as the trainer does
// (module().train(), then on_epoch_start), and reads what it left trainable.
std::vector<std::vector<bool>> training_by_epoch(engine::TrialPlugins& plugins,
                                                 const std::vector<OptimizerGroup>& groups, std::int64_t epochs) {
  std::vector<std::vector<bool>> trains;
  for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
    plugins.model->module().train();
    plugins.strategy->on_epoch_start(*plugins.model, static_cast<int>(epoch), static_cast<int>(epochs));
    auto& row = trains.emplace_back();
    for (const auto& group : groups) row.push_back(group_trains(group));
  }
  return trains;
}

int lr_curve(const LrCurveArguments& arguments, const Context& context) {
  const auto loaded = load_experiment(arguments.experiment);
  const auto& trials = loaded.experiment.trials;
  if (arguments.trial < 1 || arguments.trial > static_cast<int>(trials.size())) {
    throw InputError("--trial " + std::to_string(arguments.trial) + " is out of range: the experiment has " +
                     std::to_string(trials.size()) + " trial(s)");
  }
  // Prepared as `graft run` prepares it (weights named `run:NAME` come from the store); the
  // dataset is loaded even with --steps-per-epoch: the model is built for its classes.
  engine::PreparationOptions preparation;
  preparation.store_path = context.store_path();
  preparation.search_dir = std::filesystem::path(loaded.experiment.file).parent_path();
  auto prepared = engine::prepare_trial(trials[static_cast<std::size_t>(arguments.trial - 1)], loaded.registry,
                                        preparation);
  const auto& trial = prepared.declared;
  auto& plugins = prepared.plugins;
  const auto epochs = prepared.settings.epochs;
  const engine::LrSchedule schedule(*plugins.scheduler, prepared.schedule, prepared.settings.lr,
                                    steps_per_epoch(arguments, prepared), epochs);
  const auto groups = plugins.strategy->param_groups(*plugins.model);
  const auto trains = training_by_epoch(plugins, groups, epochs);
  const auto total = schedule.total_steps();
  const auto every = arguments.every > 0 ? arguments.every : std::max<std::int64_t>(1, total / 40);

  Table table{{"step", "epoch"}, {}};
  nlohmann::json names = nlohmann::json::array();
  for (const auto& group : groups) {
    table.columns.push_back(group.name);
    names.push_back(group.name);
  }
  nlohmann::json points = nlohmann::json::array();
  for (std::int64_t step = 0; step < total; step += every) {
    const double lr = schedule.lr(step);
    const auto epoch = step / schedule.steps_per_epoch();
    std::vector<std::string> row{std::to_string(step), std::to_string(storage::epoch_for_people(epoch))};
    nlohmann::json group_lrs = nlohmann::json::object();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const double group_lr = trains[static_cast<std::size_t>(epoch)][g] ? lr * groups[g].lr_scale : 0.0;
      row.push_back(format_number(group_lr));
      group_lrs[groups[g].name] = group_lr;
    }
    table.rows.push_back(std::move(row));
    points.push_back({{"step", step}, {"epoch", epoch}, {"lr", group_lrs}});
  }
  if (arguments.json) {
    std::cout << nlohmann::json{{"trial", trial.name}, {"total_steps", total}, {"groups", names}, {"points", points}}.dump(2)
              << '\n';
  } else if (arguments.csv) {
    print_csv(std::cout, table);
  } else {
    std::cout << trial.name << ": " << total << " steps, " << schedule.steps_per_epoch() << " per epoch; LR per "
              << "optimizer group (0 = frozen)\n";
    print_table(std::cout, table);
  }
  return 0;
}

}  // namespace

void add_lr_curve_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<LrCurveArguments>();
  auto* command = app.add_subcommand("lr-curve", summary_of("lr-curve"));
  add_experiment_arguments(*command, arguments->experiment);
  command->add_option("--trial", arguments->trial, "trial number, as `graft validate` lists them (default 1)");
  command->add_option("--steps-per-epoch", arguments->steps_per_epoch,
                      "assume this many steps per epoch instead of counting the training split");
  command->add_option("--every", arguments->every, "print every Nth step (default: about 40 rows)");
  auto* json = command->add_flag("--json", arguments->json, "JSON output");
  command->add_flag("--csv", arguments->csv, "CSV output")->excludes(json);
  command->callback([arguments, &context] { context.exit_status = lr_curve(*arguments, context); });
}

}  // namespace graft::cli
