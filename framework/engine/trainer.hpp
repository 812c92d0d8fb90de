#pragma once
// Trains one trial: epochs over the training split, evaluation of the validation split after
// each epoch, best checkpoint by the monitored metric and last checkpoint in the run folder, and
// the test split measured with the best checkpoint at the end ([train] test_every_epoch: after
// every epoch instead). While the strategy keeps the whole backbone frozen, the backbone runs
// without autograd, and its features are cached when the model's preprocessing allows
// (feature_cache.hpp).
#include <filesystem>
#include <map>
#include <string>

#include "evaluation.hpp"
#include "graft/params.hpp"
#include "graft/storage/store.hpp"
#include "run_recorder.hpp"
#include "trial_setup.hpp"

namespace graft::engine {

struct TrainerOptions {
  Params train;                     // resolved [train] table
  Params schedule;                  // resolved [scheduler] table (warmup keys)
  std::uint64_t seed = 0;
  std::filesystem::path run_dir;    // checkpoints go here
  std::filesystem::path cache_dir;  // cached features go here (empty: memory only)
  std::string feature_identity;     // what cached features depend on besides split, preprocessing, weights
  std::string teacher_identity;     // the same for the [teacher]'s features
  std::string display_name;         // for progress lines
  bool show_progress = true;
  bool resume = false;              // go on from run_dir's training state (graft resume)
};

struct TrainOutcome {
  storage::RunStatus status = storage::RunStatus::Completed;
  std::string error;                        // why it failed or stopped
  std::map<std::string, double> summary;    // best.epoch, best.<monitor>, best.test.accuracy, ...
};

// Input problems that only show once the plugins exist (no training examples, a monitored
// validation metric without a validation split, CUDA asked for and absent): InputError.
void check_trial(const TrialPlugins& plugins, const Params& train);

// Never throws for training problems (divergence, a plugin's exception, Ctrl-C): they come back
// as a failed or interrupted outcome, and what was measured until then is recorded.
TrainOutcome train_trial(TrialPlugins& plugins, const TrainerOptions& options, RunRecorder& recorder);

// The device of [train] device: "auto" picks CUDA when LibTorch sees one.
c10::Device resolve_device(const Params& train);

}  // namespace graft::engine
