#pragma once
// Runs the trials of a resolved experiment one after the other, each recorded in the store.
// A trial that a completed run of the same experiment, config hash and seed already did is
// skipped unless `rerun` is set. (`graft run --jobs N` runs one of these per worker process,
// each with its share of the trials.)
#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "experiment/experiment.hpp"
#include "graft/storage/store.hpp"

namespace graft::host {
class Registry;
}
namespace graft::distributed {
class Rendezvous;
}

namespace graft::engine {

struct RunOptions {
  std::filesystem::path store_path;
  bool show_progress = true;
  bool rerun = false;                     // run trials even when a completed run did them
  std::optional<std::vector<int>> trials; // indices (Trial::index) to run; all when unset
  int default_threads = 0;                // LibTorch threads when [train] threads is 0; 0: every core
  bool prepare_first = true;              // prepare_trials() before the first trains (a worker: its parent did)
  // This process is one rank of a data-parallel job (docs/distributed.md): every trial is trained
  // by all the job's ranks together, and rank 0 alone writes the store and the run folders.
  distributed::Rendezvous* rendezvous = nullptr;
};

// A trial not run because a completed run already did it.
struct SkippedTrial {
  int index = 0;
  std::int64_t run_id = 0;  // the run that completed it
};

// The trials (of `selection`, all when unset) that a completed run of the same experiment,
// config hash and seed already did, each logged as skipped; none when the store does not exist.
std::vector<SkippedTrial> completed_trials(const experiment::Experiment& experiment,
                                           const std::filesystem::path& store_path,
                                           const std::optional<std::vector<int>>& selection = std::nullopt);

struct RunReport {
  std::vector<SkippedTrial> skipped;
  std::vector<std::int64_t> run_ids;
  int completed = 0;
  int failed = 0;
  int interrupted = 0;
};

// Prepares (prepare_trial) every trial of `options.trials` (all when unset) that is not in
// `skipped`, and keeps none: bad input anywhere in a sweep (a path, a `run:NAME` that does not
// resolve, classes the data lacks) is an InputError naming the trial before the first trains.
// Trials that differ only in their seed are prepared once: no check depends on the seed.
void prepare_trials(const experiment::Experiment& experiment, const host::Registry& registry, const RunOptions& options,
                    const std::vector<SkippedTrial>& skipped);

// Every trial is prepared first (prepare_trials, unless options.prepare_first is off), so bad
// input leaves no row; the store itself is created only once the first trial is ready to train.
// A trial that still cannot be prepared when its turn comes (its data changed meanwhile) counts
// as failed, and the others go on.
RunReport run_experiment(const experiment::Experiment& experiment, const host::Registry& registry,
                         const RunOptions& options);

// `graft resume RUN`: an interrupted or failed run goes on from the training state of its last
// completed epoch, in the same run (what it recorded after that epoch is replaced); on CPU it
// ends with the metrics an uninterrupted run would have. InputError when the run cannot be
// resumed (unknown, completed, still running, no training state).
storage::RunStatus resume_run(std::int64_t run_id, const host::Registry& registry, const RunOptions& options);

}  // namespace graft::engine
