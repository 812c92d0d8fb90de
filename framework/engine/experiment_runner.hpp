#pragma once
// Runs the trials of a resolved experiment one after the other, each recorded in the store.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "experiment.hpp"

namespace graft::host {
class Registry;
}

namespace graft::engine {

struct RunOptions {
  std::filesystem::path store_path;
  bool show_progress = true;
};

struct RunReport {
  std::vector<std::int64_t> run_ids;
  int completed = 0;
  int failed = 0;
  int interrupted = 0;
};

// Folders beside the store: <dir>/<stem>-runs/<run id>/ for checkpoints, <dir>/<stem>-cache/.
std::filesystem::path runs_folder(const std::filesystem::path& store_path);
std::filesystem::path cache_folder(const std::filesystem::path& store_path);

// Each trial's plugins are created before its run is written, so bad input (InputError) found
// there leaves no row; the store itself is created only once the first trial is ready to train.
RunReport run_experiment(const experiment::Experiment& experiment, const host::Registry& registry,
                         const RunOptions& options);

}  // namespace graft::engine
