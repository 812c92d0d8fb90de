#include "cli/parallel_run.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>

#include <fmt/format.h>

#include "graft/log.hpp"
#include "graft/storage/store.hpp"
#include "cli/rank_launch.hpp"
#include "cli/worker_processes.hpp"

namespace graft::cli {

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<std::string> worker_command(const ParallelRequest& request, const std::vector<int>& trials, int threads) {
  const ExperimentArguments& arguments = request.arguments;
  std::vector<std::string> command = {"run", arguments.file, "--db", request.store_path.string(), "--no-progress",
                                      "--rerun"};
  for (const auto& override_text : arguments.overrides) command.insert(command.end(), {"--set", override_text});
  for (const auto& path : arguments.plugin_paths) command.insert(command.end(), {"--plugin-path", path});
  if (log::level() > log::Level::Info) command.push_back("--quiet");
  std::string list;
  for (int index : trials) list += (list.empty() ? "" : ",") + std::to_string(index);
  command.insert(command.end(), {"--worker-trials", list, "--worker-threads", std::to_string(threads)});
  if (request.ranks_per_trial > 1) command.insert(command.end(), {"--nproc-per-node", std::to_string(request.ranks_per_trial)});
  return command;
}

std::vector<std::int64_t> runs_of(const std::filesystem::path& store_path, const std::string& experiment,
                                  const std::vector<WorkerExit>& workers, double since, bool by_pid) {
  std::vector<std::int64_t> ids;
  std::error_code ignored;
  if (!std::filesystem::exists(store_path, ignored)) return ids;
  const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
  storage::RunFilter filter;
  filter.experiment = experiment;
  for (const auto& run : store.list_runs(filter)) {
    // A worker that launched ranks of its own recorded its runs from its rank 0, a grandchild.
    const bool ours = !by_pid ||
                      std::any_of(workers.begin(), workers.end(), [&](const WorkerExit& w) { return w.pid == run.pid; });
    if (ours && run.started_at >= since) ids.push_back(run.id);
  }
  return ids;
}

int combined_status(const std::vector<WorkerExit>& workers) {
  int status = 0;
  for (const auto& worker : workers) {
    if (worker.stopped) continue;  // the failure of another worker ended it: that one's status counts
    if (worker.signal != 0 && worker.signal != SIGINT) {
      log::error("worker {} was ended by signal {}", worker.pid, worker.signal);
    }
    const int normalised = worker.exit_status == 130 || worker.signal == SIGINT ? 130
                           : worker.exit_status == 2                          ? 2
                           : worker.exit_status != 0                          ? 1
                                                                              : 0;
    const auto rank = [](int s) { return s == 130 ? 3 : s == 2 ? 2 : s; };
    if (rank(normalised) > rank(status)) status = normalised;
  }
  return status;
}

ParallelOutcome run_parallel(const experiment::Experiment& experiment, const host::Registry& registry,
                             const ParallelRequest& request) {
  ParallelOutcome outcome;
  if (!request.rerun) outcome.skipped = engine::completed_trials(experiment, request.store_path);
  std::vector<int> pending;
  for (const auto& trial : experiment.trials) {
    const bool done = std::any_of(outcome.skipped.begin(), outcome.skipped.end(),
                                  [&](const engine::SkippedTrial& skipped) { return skipped.index == trial.index; });
    if (!done) pending.push_back(trial.index);
  }
  if (pending.empty()) return outcome;
  if (pending.size() > 1) {
    engine::RunOptions checked;
    checked.store_path = request.store_path;
    checked.trials = pending;
    engine::prepare_trials(experiment, registry, checked, outcome.skipped);
  }

  const int workers = std::min<int>(request.jobs, static_cast<int>(pending.size()));
  const int threads = threads_per_process(workers * request.ranks_per_trial);
  // A second of slack: started_at is written by the workers' clocks, which are this machine's.
  const double since = unix_now() - 1;
  if (workers == 1 && request.ranks_per_trial > 1) {
    // One trial at a time over N ranks: the ranks are this process's own children.
    const auto ranks = launch_ranks(request, pending, threads);
    outcome.run_ids = runs_of(request.store_path, experiment.name, ranks, since);
    outcome.exit_status = combined_status(ranks);
    return outcome;
  }
  // Round-robin: a sweep's neighbouring trials (often of similar cost) go to different workers.
  std::vector<std::vector<int>> shares(static_cast<std::size_t>(workers));
  for (std::size_t at = 0; at < pending.size(); ++at) shares[at % shares.size()].push_back(pending[at]);
  std::vector<WorkerCommand> commands;
  for (const auto& share : shares) commands.push_back({worker_command(request, share, threads), {}});

  log::info("{}: {} trial(s) in {} worker process(es), {} LibTorch thread(s) each unless [train] threads is set",
            experiment.name, pending.size(), workers, threads);
  const std::vector<WorkerExit> exits = run_workers(commands);
  outcome.run_ids = runs_of(request.store_path, experiment.name, exits, since, request.ranks_per_trial == 1);
  outcome.exit_status = combined_status(exits);
  return outcome;
}

}  // namespace graft::cli
