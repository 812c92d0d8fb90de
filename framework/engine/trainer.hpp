#pragma once
// Trains one prepared trial: epochs of the step loop (epoch_training.hpp), the validation split
// evaluated after each (evaluator.hpp), the best checkpoint by the monitored metric
// (best_epoch.hpp) and the last one saved in the run folder (run_checkpoints.hpp), early stopping,
// the training state for `graft resume` after each epoch, and the test split measured with the
// best checkpoint at the end ([train] test_every_epoch: after every epoch instead).
#include <filesystem>
#include <map>
#include <string>

#include "engine/run_layout.hpp"
#include "engine/run_recorder.hpp"
#include "engine/training_hooks.hpp"
#include "engine/trial_preparation.hpp"
#include "graft/storage/store.hpp"

namespace graft::engine {

struct TrainerOptions {
  RunLayout layout;                 // the run's folder: checkpoints and training state
  std::filesystem::path cache_dir;  // cached features go here (empty: memory only)
  std::string display_name;         // for progress lines
  bool show_progress = true;
  bool resume = false;              // go on from the layout's training state (graft resume)
  TrainingHooks hooks;
};

struct TrainOutcome {
  storage::RunStatus status = storage::RunStatus::Completed;
  std::string error;                        // why it failed or stopped
  std::map<std::string, double> summary;    // best.epoch, best.<monitor>, best.test.accuracy, ...
};

// Never throws for training problems (divergence, a plugin's exception, Ctrl-C): they come back
// as a failed or interrupted outcome, and what was measured until then is recorded.
TrainOutcome train_trial(PreparedTrial& trial, const TrainerOptions& options, RunRecorder& recorder);

}  // namespace graft::engine
