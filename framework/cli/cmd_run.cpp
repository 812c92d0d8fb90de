// graft run FILE: validate everything, then train every trial and record it in the store.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "command.hpp"
#include "experiment_loader.hpp"
#include "experiment_runner.hpp"
#include "graft/log.hpp"
#include "graft/storage/store.hpp"
#include "output.hpp"

namespace graft::cli {
namespace {

struct RunArguments {
  ExperimentArguments experiment;
  bool no_progress = false;
};

// The runs just made, side by side: what a user reads first after a run.
void print_outcome(const std::string& store_path, const std::vector<std::int64_t>& run_ids) {
  if (run_ids.empty()) return;
  const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
  Table table{{"run", "trial", "status", "best epoch", "val accuracy", "test accuracy", "test macro-F1"}, {}};
  for (const auto id : run_ids) {
    const auto run = store.get_run(id);
    if (!run) continue;
    auto metric = [&](const std::string& key) -> std::string {
      for (const auto& m : run->final_metrics)
        if (m.key == key) return key == "best.epoch" ? fmt::format("{}", m.value + 1) : format_number(m.value);
      return "";
    };
    table.rows.push_back({std::to_string(id), run->summary.trial, storage::status_name(run->summary.status),
                          metric("best.epoch"), metric("best.val.accuracy"), metric("best.test.accuracy"),
                          metric("best.test.macro_f1")});
  }
  std::cout << '\n';
  print_table(std::cout, table);
}

int run(const RunArguments& arguments, const Context& context) {
  auto loaded = load_experiment(arguments.experiment);
  const auto& experiment = loaded.experiment;
  log::info("{}: {} trial(s) from {}, results in {}", experiment.name, experiment.trials.size(), experiment.file,
            context.store_path());
  engine::RunOptions options;
  options.store_path = context.store_path();
  options.show_progress = !arguments.no_progress && log::level() <= log::Level::Info;
  const auto report = engine::run_experiment(experiment, loaded.registry, options);
  print_outcome(options.store_path, report.run_ids);
  if (report.interrupted > 0) return 130;
  return report.failed > 0 ? 1 : 0;
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<RunArguments>();
  auto* command = app.add_subcommand("run", "train every trial of an experiment file and record it in the store");
  add_experiment_arguments(*command, arguments->experiment);
  command->add_flag("--no-progress", arguments->no_progress, "no progress bar or periodic progress lines");
  command->callback([arguments, &context] { context.exit_status = run(*arguments, context); });
}

}  // namespace graft::cli
