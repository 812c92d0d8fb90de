// graft run FILE: validate everything, then train every trial and record it in the store; with
// --jobs N, in N worker processes (parallel_run.hpp), which are this same command with the hidden
// --worker-trials option.
#include <chrono>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/output.hpp"
#include "cli/parallel_run.hpp"
#include "cli/rank_join.hpp"
#include "cli/rank_launch.hpp"
#include "cli/training_commands.hpp"
#include "engine/experiment_runner.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/storage/epoch_numbers.hpp"
#include "graft/storage/store.hpp"

namespace graft::cli {
namespace {

struct RunArguments {
  ExperimentArguments experiment;
  bool no_progress = false;
  int jobs = 1;
  int ranks = 1;  // --nproc-per-node
  bool rerun = false;
  std::vector<int> worker_trials;  // set only in a worker process
  int worker_threads = 0;
};

// One line of the outcome table: a run just made, or the earlier run of a skipped trial.
std::vector<std::string> outcome_row(const storage::Store& store, std::int64_t id, const char* status_override) {
  const auto run = store.get_run(id);
  if (!run) return {};
  auto metric = [&](const std::string& key) -> std::string {
    for (const auto& m : run->final_metrics)
      if (m.key == key) return format_number(storage::metric_for_people(key, m.value));
    return "";
  };
  return {std::to_string(id), run->summary.trial,
          status_override ? status_override : storage::status_name(run->summary.status), metric("best.epoch"),
          metric("best.val.accuracy"), metric("best.test.accuracy"), metric("best.test.macro_f1")};
}

// The runs just made (and the trials skipped), side by side: what a user reads first after a run.
void print_outcome(const std::string& store_path, const std::vector<engine::SkippedTrial>& skipped,
                   const std::vector<std::int64_t>& run_ids) {
  if (run_ids.empty() && skipped.empty()) return;
  const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
  Table table{{"run", "trial", "status", "best epoch", "val accuracy", "test accuracy", "test macro-F1"}, {}};
  for (const auto& trial : skipped) {
    if (auto row = outcome_row(store, trial.run_id, "skipped (done)"); !row.empty()) table.rows.push_back(std::move(row));
  }
  for (const auto id : run_ids) {
    if (auto row = outcome_row(store, id, nullptr); !row.empty()) table.rows.push_back(std::move(row));
  }
  std::cout << '\n';
  print_table(std::cout, table);
}

int exit_status(const engine::RunReport& report) {
  if (report.interrupted > 0) return 130;
  return report.failed > 0 ? 1 : 0;
}

// The collective timeout of the job's first trial: also how long the ranks wait for each other.
std::chrono::seconds rendezvous_timeout(const experiment::Experiment& experiment) {
  if (!experiment.trials.empty()) {
    for (const auto& [key, value] : experiment.trials.front().flat)
      if (key == "train.distributed_timeout") return std::chrono::seconds(std::get<std::int64_t>(value));
  }
  return std::chrono::seconds(300);
}

int run(const RunArguments& arguments, const Context& context) {
  auto loaded = load_experiment(arguments.experiment);
  const auto& experiment = loaded.experiment;
  const bool worker = !arguments.worker_trials.empty();
  // A rank of a job torchrun, srun or --nproc-per-node started: it trains with the others.
  const auto world = job_of_this_process(arguments.ranks);
  const bool prints = !worker && (!world || world->primary());
  storage::check_store_location(context.store_path());  // before any trial loads its data
  if (prints) {
    log::info("{}: {} trial(s) from {}, results in {}", experiment.name, experiment.trials.size(), experiment.file,
              context.store_path());
  }
  ParallelRequest request{arguments.experiment, std::filesystem::absolute(context.store_path()), arguments.jobs,
                          arguments.ranks, arguments.rerun};
  if (worker && arguments.ranks > 1) {
    // A worker of --jobs with --nproc-per-node: its trials, over ranks of its own.
    return combined_status(launch_ranks(request, arguments.worker_trials, arguments.worker_threads));
  }
  if ((arguments.jobs > 1 || arguments.ranks > 1) && !worker) {
    const ParallelOutcome outcome = run_parallel(experiment, loaded.registry, request);
    print_outcome(context.store_path(), outcome.skipped, outcome.run_ids);
    return outcome.exit_status;
  }

  engine::RunOptions options;
  options.store_path = context.store_path();
  options.show_progress = !arguments.no_progress && log::level() <= log::Level::Info;
  options.rerun = arguments.rerun;
  if (worker) {
    options.trials = arguments.worker_trials;
    options.default_threads = arguments.worker_threads;
    options.prepare_first = false;  // the parent prepared every trial before starting the workers
  }
  std::unique_ptr<distributed::Rendezvous> rendezvous;
  if (world) rendezvous = join_job(*world, rendezvous_timeout(experiment), options);
  const auto report = engine::run_experiment(experiment, loaded.registry, options);
  if (prints) print_outcome(options.store_path, report.skipped, report.run_ids);  // the parent prints for workers
  return exit_status(report);
}

}  // namespace

void add_run_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<RunArguments>();
  auto* command = app.add_subcommand("run", summary_of("run"));
  add_experiment_arguments(*command, arguments->experiment);
  command->add_flag("--no-progress", arguments->no_progress, "no progress bar or periodic progress lines");
  command->add_option("-j,--jobs", arguments->jobs,
                      "train N trials at once in N worker processes, sharing the machine's cores (default 1)")
      ->check(CLI::Range(1, 256));
  command->add_option("--nproc-per-node", arguments->ranks,
                      "train each trial over N processes on this machine, data-parallel over c10d "
                      "(docs/distributed.md); with --jobs J, J trials at once over N ranks each")
      ->check(CLI::Range(1, 1024));
  command->add_flag("--rerun", arguments->rerun, "run trials again even when a completed run already did them");
  // Set by `--jobs` for its workers; not for people.
  command->add_option("--worker-trials", arguments->worker_trials)->delimiter(',')->group("");
  command->add_option("--worker-threads", arguments->worker_threads)->group("");
  command->callback([arguments, &context] { context.exit_status = run(*arguments, context); });
}

}  // namespace graft::cli
