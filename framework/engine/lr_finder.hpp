#pragma once
// `graft lr-find`: the LR range test of fastai's `lr_find` (Leslie Smith's test) on one trial,
// built exactly as `graft run` builds it (model and pretrained weights, dataset, the strategy's
// parameter groups and LR scales, the [train] optimizer, seed, threads). It trains for up to
// `steps` optimizer steps on training batches (the same batches and order as the first epochs of
// `graft run`, cycling through the split when it has fewer batches), with the base LR growing
// exponentially from start_lr to end_lr (each group at base LR x its scale, the scheduler and
// warmup set aside), and stops early once the smoothed loss diverges. The weights are a probe:
// nothing is saved. The arithmetic is in lr_suggestions.hpp.
//
// The run is recorded in the store as a run of kind lr_find: the trial's params plus
// lr_find.start_lr, lr_find.end_lr, lr_find.steps and lr_find.divergence; per step (step = steps
// done, epoch = pass over the training split) the metrics lr_find.lr, lr_find.loss and
// lr_find.smoothed_loss; at the end (epoch NULL) lr_find.suggestion.valley, .steep and .minimum.
// It ends completed, with the note "diverged at step N" when the loss diverged; interrupted on
// Ctrl-C; failed on a plugin's exception.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/lr_suggestions.hpp"
#include "engine/run_recorder.hpp"
#include "engine/trial_preparation.hpp"
#include "experiment/experiment.hpp"
#include "graft/storage/store.hpp"

namespace graft::host {
class Registry;
}

namespace graft::engine {

struct LrFindSettings {
  double start_lr = 1e-7;
  double end_lr = 10;
  std::int64_t steps = 100;
  double divergence = 4;  // stop when the smoothed loss exceeds this x its minimum so far
};

// The largest --steps: the valley suggestion is quadratic in the steps.
inline constexpr std::int64_t kMaxLrFindSteps = 10000;

// Throws InputError naming the option at fault: start_lr and end_lr must be finite and > 0 with
// start < end, 2 <= steps <= kMaxLrFindSteps, divergence > 1.
void check_lr_find_settings(const LrFindSettings& settings);

struct LrFindCurve {
  std::vector<double> lrs;       // base LR of each step (before group scales)
  std::vector<double> losses;    // training loss of the step's batch
  std::vector<double> smoothed;  // lr_find::SmoothedLoss of the losses so far
  lr_find::Suggestions suggestions;
  std::optional<std::int64_t> diverged_at;  // 1-based step at which the test stopped
  storage::RunStatus status = storage::RunStatus::Completed;
  std::string error;  // why it was interrupted or failed

  // "diverged at step N", "completed", or the error of an interrupted or failed test.
  std::string stopped() const;
};

// The range test on a prepared trial, recording into `recorder` when given. Never throws for
// training problems: an interrupt or a plugin's exception comes back in the curve's status, with
// the points measured until then.
LrFindCurve range_test(PreparedTrial& trial, const LrFindSettings& settings, RunRecorder* recorder,
                       bool show_progress);

struct LrFindOptions {
  std::filesystem::path store_path;
  bool record = true;       // false (--no-store): the store is neither created nor written
  bool show_progress = true;
  int default_threads = 0;  // LibTorch threads when [train] threads is 0; 0: every core
  LrFindSettings settings;
};

struct LrFindOutcome {
  LrFindCurve curve;
  std::optional<std::int64_t> run_id;  // none with record = false
};

// Prepares the trial (prepare_trial) before anything is written, so
// bad input (InputError) leaves the store as it was (not even created); then records the run
// (kind lr_find), runs the test and finishes the run.
LrFindOutcome find_learning_rate(const experiment::Experiment& experiment, const experiment::Trial& trial,
                                 const host::Registry& registry, const LrFindOptions& options);

}  // namespace graft::engine
