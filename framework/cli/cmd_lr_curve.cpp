// graft lr-curve FILE: the learning rate of every step of a trial, from the scheduler alone.
#include <algorithm>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "experiment_loader.hpp"
#include "graft/errors.hpp"
#include "graft/dataset.hpp"
#include "lr_schedule.hpp"
#include "output.hpp"
#include "trial_setup.hpp"

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

std::int64_t steps_per_epoch(const LrCurveArguments& arguments, const experiment::Trial& trial,
                             const host::Registry& registry) {
  if (arguments.steps_per_epoch > 0) return arguments.steps_per_epoch;
  // Only the dataset's size is needed: load it, but build no model.
  const auto dataset = engine::create_dataset(trial, registry, {});
  const auto& train = trial.tables.at("train");
  const auto size = static_cast<std::int64_t>(dataset->size(Split::Train));
  const auto batch = train.get_int("batch_size");
  return std::max<std::int64_t>(1, train.get_bool("drop_last") ? size / batch : (size + batch - 1) / batch);
}

int lr_curve(const LrCurveArguments& arguments) {
  const auto loaded = load_experiment(arguments.experiment);
  const auto& trials = loaded.experiment.trials;
  if (arguments.trial < 1 || arguments.trial > static_cast<int>(trials.size())) {
    throw InputError("--trial " + std::to_string(arguments.trial) + " is out of range: the experiment has " +
                     std::to_string(trials.size()) + " trial(s)");
  }
  const auto& trial = trials[static_cast<std::size_t>(arguments.trial - 1)];
  const auto scheduler = engine::create_scheduler(trial, loaded.registry);
  const auto& train = trial.tables.at("train");
  const engine::LrSchedule schedule(*scheduler, trial.plugins.at("scheduler").params, train.get_float("lr"),
                                    steps_per_epoch(arguments, trial, loaded.registry), train.get_int("epochs"));
  const auto total = schedule.total_steps();
  const auto every = arguments.every > 0 ? arguments.every : std::max<std::int64_t>(1, total / 40);

  Table table{{"step", "epoch", "lr"}, {}};
  nlohmann::json points = nlohmann::json::array();
  for (std::int64_t step = 0; step < total; step += every) {
    const double lr = schedule.lr(step);
    const auto epoch = step / schedule.steps_per_epoch();
    table.rows.push_back({std::to_string(step), std::to_string(epoch), format_number(lr)});
    points.push_back({{"step", step}, {"epoch", epoch}, {"lr", lr}});
  }
  if (arguments.json) {
    std::cout << nlohmann::json{{"trial", trial.name}, {"total_steps", total}, {"points", points}}.dump(2) << '\n';
  } else if (arguments.csv) {
    print_csv(std::cout, table);
  } else {
    std::cout << trial.name << ": " << total << " steps, " << schedule.steps_per_epoch() << " per epoch\n";
    print_table(std::cout, table);
  }
  return 0;
}

}  // namespace

void add_lr_curve_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<LrCurveArguments>();
  auto* command = app.add_subcommand("lr-curve", "print the learning-rate schedule of a trial without training");
  add_experiment_arguments(*command, arguments->experiment);
  command->add_option("--trial", arguments->trial, "trial number, as `graft validate` lists them (default 1)");
  command->add_option("--steps-per-epoch", arguments->steps_per_epoch,
                      "skip loading the dataset and assume this many steps per epoch");
  command->add_option("--every", arguments->every, "print every Nth step (default: about 40 rows)");
  auto* json = command->add_flag("--json", arguments->json, "JSON output");
  command->add_flag("--csv", arguments->csv, "CSV output")->excludes(json);
  command->callback([arguments, &context] { context.exit_status = lr_curve(*arguments); });
}

}  // namespace graft::cli
