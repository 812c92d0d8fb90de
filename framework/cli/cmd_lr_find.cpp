// graft lr-find FILE: the LR range test of fastai's lr_find on one trial of an experiment
// (engine/lr_finder.hpp): a few steps of training with the learning rate growing exponentially,
// the smoothed loss at each step, and fastai's suggestions (valley, steep, minimum/10). On a
// terminal it draws the curve (lr_find_chart.hpp); otherwise it prints a table; --json always.
// The run is recorded in the store as a run of kind lr_find (not with --no-store), so that
// `graft report` plots it; comparisons and `graft run`'s skipping leave it out.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/lr_find_chart.hpp"
#include "cli/output.hpp"
#include "cli/training_commands.hpp"
#include "engine/lr_finder.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::cli {
namespace {

struct LrFindArguments {
  ExperimentArguments experiment;
  int trial = 1;
  engine::LrFindSettings settings;
  bool json = false;
  bool no_store = false;
  bool no_progress = false;
};

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

nlohmann::json numbers(const std::vector<double>& values) {
  nlohmann::json out = nlohmann::json::array();
  for (double value : values) out.push_back(number(value));
  return out;
}

nlohmann::json suggestion(const std::optional<double>& value) { return value ? number(*value) : nlohmann::json(nullptr); }

std::string lr_text(const std::optional<double>& value) { return value ? format_number(*value) : "none"; }

int terminal_width() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return 80;
}

void print_suggestions(const engine::LrFindCurve& curve) {
  const auto& s = curve.suggestions;
  std::cout << "suggested [train] lr (fastai's definitions; group scales apply on top):\n";
  Table table{{"suggestion", "lr", "how"}, {}};
  table.rows.push_back({"valley", lr_text(s.valley), "2/3 along the longest valley of the loss (fastai's default)"});
  table.rows.push_back({"steep", lr_text(s.steep), "where the loss falls fastest per log LR"});
  table.rows.push_back({"minimum/10", lr_text(s.minimum), "a tenth of the LR at the lowest loss"});
  print_table(std::cout, table);
}

void print_json(const engine::LrFindOutcome& outcome, const experiment::Experiment& experiment,
                const experiment::Trial& trial) {
  const auto& curve = outcome.curve;
  nlohmann::json out{{"experiment", experiment.name},
                     {"trial", trial.name},
                     {"lrs", numbers(curve.lrs)},
                     {"losses", numbers(curve.losses)},
                     {"smoothed", numbers(curve.smoothed)},
                     {"suggestions",
                      {{"steep", suggestion(curve.suggestions.steep)},
                       {"valley", suggestion(curve.suggestions.valley)},
                       {"minimum", suggestion(curve.suggestions.minimum)}}},
                     {"stopped", curve.stopped()},
                     {"run", outcome.run_id ? nlohmann::json(*outcome.run_id) : nlohmann::json(nullptr)}};
  std::cout << out.dump(2) << '\n';
}

void print_chart(const engine::LrFindCurve& curve) {
  std::vector<ChartMark> marks;
  const auto& s = curve.suggestions;
  if (s.valley) marks.push_back({'V', "valley", *s.valley});
  if (s.steep) marks.push_back({'S', "steep", *s.steep});
  if (s.minimum) marks.push_back({'M', "minimum/10", *s.minimum});
  const int width = std::clamp(terminal_width(), 40, 160);
  const std::string chart = lr_find_chart(curve.lrs, curve.smoothed, marks, width, 16);
  std::cout << (chart.empty() ? std::string("(no finite loss to draw)\n") : chart) << '\n';
}

void print_steps(const engine::LrFindCurve& curve) {
  Table table{{"step", "lr", "loss", "smoothed"}, {}};
  for (std::size_t i = 0; i < curve.lrs.size(); ++i) {
    table.rows.push_back({std::to_string(i + 1), format_number(curve.lrs[i]), format_number(curve.losses[i]),
                          format_number(curve.smoothed[i])});
  }
  print_table(std::cout, table);
  std::cout << '\n';
}

int exit_status(storage::RunStatus status) {
  switch (status) {
    case storage::RunStatus::Completed: return 0;
    case storage::RunStatus::Interrupted: return 130;
    default: return 1;
  }
}

int lr_find(const LrFindArguments& arguments, const Context& context) {
  // Bad options first: they need no file.
  engine::check_lr_find_settings(arguments.settings);
  const auto loaded = load_experiment(arguments.experiment);
  const auto& trials = loaded.experiment.trials;
  if (arguments.trial < 1 || arguments.trial > static_cast<int>(trials.size())) {
    throw InputError(fmt::format("--trial {} is out of range: the experiment has {} trial(s) (`graft validate {}` "
                                 "lists them)",
                                 arguments.trial, trials.size(), arguments.experiment.file));
  }
  const auto& trial = trials[static_cast<std::size_t>(arguments.trial - 1)];

  engine::LrFindOptions options;
  options.store_path = context.store_path();
  options.record = !arguments.no_store;
  options.show_progress = !arguments.no_progress && log::level() <= log::Level::Info;
  options.settings = arguments.settings;
  const auto outcome = engine::find_learning_rate(loaded.experiment, trial, loaded.registry, options);
  const auto& curve = outcome.curve;

  if (arguments.json) {
    print_json(outcome, loaded.experiment, trial);
  } else {
    const auto& settings = arguments.settings;
    std::cout << fmt::format("{} {}: LR range test, {} of {} step(s) from {} to {}: {}\n\n", loaded.experiment.name,
                             trial.name, curve.lrs.size(), settings.steps, format_number(settings.start_lr),
                             format_number(settings.end_lr), curve.stopped());
    if (isatty(STDOUT_FILENO)) {
      print_chart(curve);
    } else {
      print_steps(curve);
    }
    print_suggestions(curve);
    if (outcome.run_id) {
      std::cout << fmt::format("\nrecorded as run {} (kind lr_find) in {}; `graft report --experiment {}` plots it\n",
                               *outcome.run_id, options.store_path.string(), loaded.experiment.name);
    }
  }
  return exit_status(curve.status);
}

}  // namespace

void add_lr_find_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<LrFindArguments>();
  auto* command = app.add_subcommand("lr-find", summary_of("lr-find"));
  add_experiment_arguments(*command, arguments->experiment);
  command->add_option("--trial", arguments->trial, "trial number, as `graft validate` lists them (default 1)");
  command->add_option("--start-lr", arguments->settings.start_lr, "learning rate of the first step (default 1e-7)");
  command->add_option("--end-lr", arguments->settings.end_lr, "learning rate of the last step (default 10)");
  command->add_option("--steps", arguments->settings.steps, "optimizer steps at most (default 100)");
  command->add_option("--divergence", arguments->settings.divergence,
                      "stop when the smoothed loss exceeds this many times its minimum (default 4)");
  command->add_flag("--json", arguments->json, "JSON output");
  command->add_flag("--no-store", arguments->no_store, "do not record the run in the store");
  command->add_flag("--no-progress", arguments->no_progress, "no progress bar or periodic progress lines");
  command->callback([arguments, &context] { context.exit_status = lr_find(*arguments, context); });
}

}  // namespace graft::cli
