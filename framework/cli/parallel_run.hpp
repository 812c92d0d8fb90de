#pragma once
// `graft run FILE --jobs N`: the trials of one resolved experiment shared between N worker
// processes of this executable, all writing into one store.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "experiment/experiment.hpp"
#include "cli/experiment_loader.hpp"
#include "engine/experiment_runner.hpp"

namespace graft::cli {

struct ParallelRequest {
  ExperimentArguments arguments;      // passed on unchanged: each worker resolves the same trials
  std::filesystem::path store_path;   // absolute
  int jobs = 1;
  int ranks_per_trial = 1;            // --nproc-per-node: each worker trains its trials over this many ranks
  bool rerun = false;
};

struct ParallelOutcome {
  std::vector<engine::SkippedTrial> skipped;
  std::vector<std::int64_t> run_ids;  // the runs the workers recorded, by id
  int exit_status = 0;                // 0, 1 (a run or a worker failed), 2 (bad input), 130 (interrupted)
};

// The experiment was resolved (and so validated) by the caller: workers only repeat that. The
// trials still to do are dealt round-robin to min(jobs, trials) workers, each of which runs its
// share one after the other with max(1, cores / jobs) LibTorch threads unless [train] threads is
// set (divided by ranks_per_trial too: a worker's trials are trained over that many ranks; one
// worker's ranks are this process's children). Trials completed earlier are left out (and reported) unless `rerun`. Every trial to do is
// prepared here first (engine::prepare_trials), so bad input stops the sweep before a worker starts.
ParallelOutcome run_parallel(const experiment::Experiment& experiment, const host::Registry& registry,
                             const ParallelRequest& request);

}  // namespace graft::cli

namespace graft::cli {

struct WorkerExit;

// The hidden `graft run` options of a worker (cmd_run.cpp): its trials and thread count. It gets
// --rerun because the completed trials were already left out by its parent.
std::vector<std::string> worker_command(const ParallelRequest& request, const std::vector<int>& trials, int threads);
// The runs the workers recorded: started since `since` (Unix seconds), and by one of `workers`
// unless `by_pid` is off.
std::vector<std::int64_t> runs_of(const std::filesystem::path& store_path, const std::string& experiment,
                                  const std::vector<WorkerExit>& workers, double since, bool by_pid = true);
// One status for all workers: interrupted wins, then bad input, then any other failure.
int combined_status(const std::vector<WorkerExit>& workers);

}  // namespace graft::cli
