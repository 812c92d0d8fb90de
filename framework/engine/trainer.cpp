#include "engine/trainer.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "engine/best_epoch.hpp"
#include "engine/early_stopping.hpp"
#include "engine/epoch_training.hpp"
#include "engine/evaluator.hpp"
#include "engine/lr_schedule.hpp"
#include "engine/metric_names.hpp"
#include "engine/optimizer.hpp"
#include "engine/progress.hpp"
#include "engine/run_checkpoints.hpp"
#include "engine/run_end.hpp"
#include "engine/run_features.hpp"
#include "engine/task_heads.hpp"
#include "engine/teacher_logits.hpp"
#include "engine/training_batches.hpp"
#include "engine/training_state.hpp"
#include "graft/log.hpp"

namespace graft::engine {
namespace {

std::unique_ptr<TaskHeads> make_task_heads(PreparedTrial& trial) {
  if (trial.plugins.tasks.empty()) return nullptr;
  return std::make_unique<TaskHeads>(*trial.plugins.model, *trial.plugins.dataset, trial.plugins.tasks,
                                     task_heads_seed(trial.resolved.seed));
}

class TrialTrainer {
 public:
  TrialTrainer(PreparedTrial& trial, const TrainerOptions& options, RunRecorder& recorder)
      : trial_(trial),
        options_(options),
        recorder_(recorder),
        settings_(trial.settings),
        model_(*trial.plugins.model),
        tasks_(task_infos(trial.plugins, trial.settings)),
        task_heads_(make_task_heads(trial)),
        early_stopping_(settings_.early_stopping),
        best_(settings_.monitor),
        features_(model_, *trial.plugins.dataset,
                  feature_cache_options(settings_, trial.device, options.cache_dir, trial.model_identity),
                  settings_.feature_cache, &recorder),
        checkpoints_(options.layout, model_, task_heads_ ? &task_heads_->module() : nullptr, settings_.checkpoints),
        evaluator_(trial, task_heads_.get(), tasks_, features_, options.hooks) {}

  TrainOutcome run() {
    model_.module().to(trial_.device.device);
    at::Tensor teacher_logits = teacher_targets(
        trial_.plugins.teacher.get(), *trial_.plugins.dataset,
        feature_cache_options(settings_, trial_.device, options_.cache_dir, trial_.teacher_identity));
    auto groups = trial_.plugins.strategy->param_groups(model_);
    if (task_heads_) {
      task_heads_->module().to(trial_.device.device);
      groups.push_back(OptimizerGroup{"task_heads", task_heads_->parameters(), 1.0});
    }
    share_weights();  // every rank starts from rank 0's weights
    ScaledOptimizer optimizer(settings_.table, groups);
    const std::size_t epoch_batches = trial_.plugins.strategy->task_order(0).size();
    const LrSchedule schedule(*trial_.plugins.scheduler, trial_.schedule, settings_.lr,
                              settings_.optimizer_steps_for_batches(epoch_batches), settings_.epochs);
    EpochTraining epochs(trial_, task_heads_.get(), tasks_, optimizer, schedule, features_, teacher_logits, recorder_,
                         options_.hooks);
    ProgressReporter progress(options_.display_name, settings_.epochs, static_cast<std::int64_t>(epoch_batches),
                              options_.show_progress);
    TrainOutcome outcome;
    std::string stop_reason;
    const RunEnd end = run_guarded([&] {
      std::int64_t first_epoch = 0;
      bool stopped_early = false;
      if (options_.resume) {
        const auto state = load_training_state(options_.layout.training_state(), model_.module(), optimizer.optimizer(),
                                               task_heads_ ? &task_heads_->module() : nullptr);
        epochs.restore(state);
        best_.restore(state);
        early_stopping_.restore(state.early_stopping);
        first_epoch = state.epochs_done;
        stopped_early = state.stopped_early;
        log::info("{}: resuming after epoch {} (step {})", options_.display_name, first_epoch, epochs.step());
      }
      for (std::int64_t epoch = first_epoch; epoch < settings_.epochs && !stopped_early; ++epoch) {
        progress.begin_epoch(epoch);
        auto measured = epochs.train(epoch, best_.history(), progress);
        end_epoch(epoch, epochs.step(), measured, epochs.trained_backbone());
        if (auto reason = stop_after(epoch, epochs.step(), measured)) {
          stop_reason = std::move(*reason);  // the note of a completed run: why it ended early
          stopped_early = true;
        }
        recorder_.flush();
        // After the epoch's rows are in the store: a resume redoes what came after this.
        TrainingState state;
        state.epochs_done = epoch + 1;
        state.stopped_early = stopped_early;
        state.early_stopping = early_stopping_.state();
        epochs.save(state);
        best_.save(state);
        if (writes()) {
          save_training_state(options_.layout.training_state(), state, model_.module(), optimizer.optimizer(),
                              task_heads_ ? &task_heads_->module() : nullptr);
        }
        progress.end_epoch(epoch_summary(measured));
      }
      if (!settings_.test_every_epoch) test_best_checkpoint(epochs.step());
    });
    outcome.status = end.status;
    outcome.error = end.status == storage::RunStatus::Completed ? stop_reason : end.error;
    progress.message("");
    record_summary(outcome, epochs.step());
    if (writes() && outcome.status == storage::RunStatus::Completed && !settings_.keep_state) {
      // Only a failed or interrupted run can be resumed: a completed one's state is dead weight.
      std::error_code ignored;
      std::filesystem::remove(options_.layout.training_state(), ignored);
    }
    return outcome;
  }

 private:
  // The epoch's evaluation recorded, then its checkpoints: the best when the monitored metric
  // improved, and what [train] checkpoints keeps besides.
  void end_epoch(std::int64_t epoch, std::int64_t step, std::map<std::string, double>& measured,
                 bool epoch_trained_backbone) {
    for (Split split : {Split::Validation, Split::Test}) {
      if (split == Split::Test && !settings_.test_every_epoch) continue;
      for (const auto& [key, value] : evaluator_.evaluate(split)) {
        measured[key] = value;
        recorder_.record(key, value, step, epoch);
      }
    }
    const bool improved = best_.update(epoch, measured);
    if (writes()) checkpoints_.save_epoch(epoch, improved, epoch_trained_backbone);
  }

  bool writes() const { return options_.hooks.writes_results; }

  // The weights of the rank that writes results on every rank (data-parallel training only).
  void share_weights() {
    if (!options_.hooks.share_weights) return;
    std::vector<at::Tensor> weights;
    for (auto* module : {&model_.module(), task_heads_ ? &task_heads_->module() : nullptr}) {
      if (module == nullptr) continue;
      for (const auto& parameter : module->parameters()) weights.push_back(parameter);
      for (const auto& buffer : module->buffers()) weights.push_back(buffer);
    }
    options_.hooks.share_weights(weights);
  }

  // Early stopping, then the after_epoch hook: the reason to end the trial after `epoch`.
  std::optional<std::string> stop_after(std::int64_t epoch, std::int64_t step,
                                        const std::map<std::string, double>& measured) {
    if (auto reason = early_stopping_.update(epoch, measured)) {
      log::info("{}: {}", options_.display_name, *reason);
      recorder_.record("early_stopping.epoch", static_cast<double>(epoch), step, epoch);
      return reason;
    }
    if (options_.hooks.after_epoch) {
      if (auto reason = options_.hooks.after_epoch(epoch, measured)) {
        log::info("{}: {}", options_.display_name, *reason);
        return reason;
      }
    }
    return std::nullopt;
  }

  // The test split, measured once with the weights the monitored metric chose.
  void test_best_checkpoint(std::int64_t step) {
    // Rank 0 alone has the checkpoint; the others take its weights (every rank shares, so that
    // the collective matches even when there was nothing to load).
    if (best_.epoch()) {
      const bool changed = !writes() || checkpoints_.load("best");
      share_weights();
      if (changed) features_.weights_changed();
    }
    const std::int64_t epoch = best_.epoch() ? *best_.epoch() : settings_.epochs - 1;
    for (const auto& [key, value] : evaluator_.evaluate(Split::Test)) {
      recorder_.record(key, value, step, epoch);
      best_.add(key, value);
    }
    recorder_.flush();
  }

  std::string epoch_summary(const std::map<std::string, double>& measured) const {
    std::string text;
    std::vector<std::string> keys = {"train.loss", "val.loss", "val.accuracy", "test.accuracy"};
    for (std::size_t task = 1; task < tasks_.size(); ++task) keys.push_back(task_prefix(tasks_[task].name) + "val.accuracy");
    for (const auto& key : keys) {
      if (auto it = measured.find(key); it != measured.end()) text += fmt::format(" {} {:.4f}", key, it->second);
    }
    return text;
  }

  // The summary of the run: the best epoch and every metric measured then, as "best.*" rows.
  void record_summary(TrainOutcome& outcome, std::int64_t step) {
    outcome.summary = best_.summary();
    try {
      for (const auto& [key, value] : outcome.summary) recorder_.record(key, value, step, std::nullopt);
      if (writes()) checkpoints_.record(recorder_);
      recorder_.flush();
    } catch (const std::exception& error) {
      log::error("could not record the summary of run {}: {}", recorder_.run_id(), error.what());
    }
  }

  PreparedTrial& trial_;
  const TrainerOptions& options_;
  RunRecorder& recorder_;
  const TrainSettings& settings_;
  Model& model_;
  std::vector<TaskInfo> tasks_;            // the main task, then [tasks.NAME]
  std::unique_ptr<TaskHeads> task_heads_;  // with further tasks only
  EarlyStopping early_stopping_;
  BestEpoch best_;
  RunFeatures features_;
  RunCheckpoints checkpoints_;
  Evaluator evaluator_;
};

}  // namespace

TrainOutcome train_trial(PreparedTrial& trial, const TrainerOptions& options, RunRecorder& recorder) {
  try {
    TrialTrainer trainer(trial, options, recorder);
    return trainer.run();
  } catch (const std::exception& error) {
    TrainOutcome outcome;
    outcome.status = storage::RunStatus::Failed;
    outcome.error = error.what();
    return outcome;
  }
}

}  // namespace graft::engine
