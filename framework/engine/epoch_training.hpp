#pragma once
// The step loop: one epoch of training batches (every task's, in the strategy's order), forward
// on the epoch's path (forward_path.hpp), the strategy's loss, backward, and one optimizer step
// per [train] accumulate batches at the schedule's LR. Records train.loss and lr every
// log_every_steps steps and the epoch's training metrics at its end; counts the optimizer steps
// of the whole run, which the training state carries across a resume.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "engine/lr_schedule.hpp"
#include "engine/optimizer_step.hpp"
#include "engine/progress.hpp"
#include "engine/run_features.hpp"
#include "engine/run_recorder.hpp"
#include "engine/task_heads.hpp"
#include "engine/training_hooks.hpp"
#include "engine/training_state.hpp"
#include "engine/trial_preparation.hpp"

namespace graft::engine {

class BatchSource;
enum class ForwardPath;

class EpochTraining {
 public:
  // `task_heads`: null without further tasks; `teacher_logits`: undefined without a [teacher].
  EpochTraining(PreparedTrial& trial, TaskHeads* task_heads, std::vector<TaskInfo> tasks, ScaledOptimizer& optimizer,
                const LrSchedule& schedule, RunFeatures& features, at::Tensor teacher_logits, RunRecorder& recorder,
                const TrainingHooks& hooks);

  // Trains epoch `epoch` (0-based); `metric_history` is the monitored metric of the epochs before
  // (a plateau scheduler reads it). Returns the epoch's training metrics ("train.loss", ...).
  std::map<std::string, double> train(std::int64_t epoch, const std::vector<double>& metric_history,
                                      ProgressReporter& progress);

  // Training batches per epoch, every task's together.
  std::size_t batches_per_epoch() const { return batches_per_epoch_; }
  std::int64_t step() const { return step_; }
  // Whether the last epoch trained with the backbone (not frozen): its weights may have changed.
  bool trained_backbone() const { return trained_backbone_; }

  void save(TrainingState& state) const;
  void restore(const TrainingState& state);

 private:
  std::unique_ptr<BatchSource> open_pass(std::size_t task, std::size_t pass, ForwardPath path, std::uint64_t seed);
  // The epoch's training metrics of every task that had batches, recorded (loss, accuracy).
  std::map<std::string, double> epoch_metrics(std::vector<ClassificationMetrics>& metrics, std::int64_t epoch);

  PreparedTrial& trial_;
  TaskHeads* task_heads_;
  std::vector<TaskInfo> tasks_;  // the main task, then [tasks.NAME]
  ScaledOptimizer& optimizer_;
  OptimizerStep optimizer_step_;
  const LrSchedule& schedule_;
  RunFeatures& features_;
  at::Tensor teacher_logits_;               // [train examples, classes]
  RunRecorder& recorder_;
  const TrainingHooks& hooks_;
  std::vector<std::size_t> train_lengths_;  // text lengths, with bucket_by_length
  std::size_t batches_per_epoch_ = 0;
  std::int64_t step_ = 0;                   // optimizer steps of the run so far
  std::int64_t skipped_batches_ = 0;        // batches dropped for a NaN or infinite loss, whole run
  bool trained_backbone_ = true;
};

}  // namespace graft::engine
