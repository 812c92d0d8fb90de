#include "engine/epoch_training.hpp"

#include <cmath>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "engine/batch_loader.hpp"
#include "engine/feature_cache.hpp"
#include "engine/forward_path.hpp"
#include "engine/interrupt.hpp"
#include "engine/length_buckets.hpp"
#include "engine/metric_names.hpp"
#include "engine/run_end.hpp"
#include "engine/task_batches.hpp"
#include "engine/teacher_logits.hpp"
#include "engine/training_batches.hpp"

namespace graft::engine {

EpochTraining::EpochTraining(PreparedTrial& trial, TaskHeads* task_heads, std::vector<TaskInfo> tasks,
                             ScaledOptimizer& optimizer, const LrSchedule& schedule, RunFeatures& features,
                             at::Tensor teacher_logits, RunRecorder& recorder, const TrainingHooks& hooks)
    : trial_(trial),
      task_heads_(task_heads),
      tasks_(std::move(tasks)),
      optimizer_(optimizer),
      optimizer_step_(optimizer, trial.settings.grad_clip_norm, hooks),
      schedule_(schedule),
      features_(features),
      teacher_logits_(std::move(teacher_logits)),
      recorder_(recorder),
      hooks_(hooks),
      batches_per_epoch_(trial.plugins.strategy->task_order(0).size()) {
  if (trial.settings.bucket_by_length) train_lengths_ = text_lengths(*trial.plugins.dataset, Split::Train);
}

std::map<std::string, double> EpochTraining::train(std::int64_t epoch, const std::vector<double>& metric_history,
                                                   ProgressReporter& progress) {
  const TrainSettings& settings = trial_.settings;
  auto& model = *trial_.plugins.model;
  model.module().train();
  trial_.plugins.strategy->on_epoch_start(model, static_cast<int>(epoch), static_cast<int>(settings.epochs));
  const ForwardPath path = forward_path(model, features_.cacheable(Mode::Train));
  // Only a frozen backbone keeps its weights through the epoch's optimizer steps.
  if (path == ForwardPath::Full) features_.weights_changed();
  trained_backbone_ = path == ForwardPath::Full;

  const std::uint64_t seed = epoch_seed(trial_.resolved.seed, epoch);
  auto task_order = trial_.plugins.strategy->task_order(static_cast<int>(epoch));
  if (task_order.size() != batches_per_epoch_) {
    throw std::logic_error(fmt::format("the strategy ordered {} batches for epoch {} and {} for the first",
                                       task_order.size(), epoch + 1, batches_per_epoch_));
  }
  TaskBatches batches(std::move(task_order), tasks_.size(),
                      [&](std::size_t task, std::size_t pass) { return open_pass(task, pass, path, seed); });
  const std::size_t batch_count = batches.batch_count();
  std::vector<ClassificationMetrics> task_metrics;
  for (const auto& task : tasks_) task_metrics.emplace_back(task.num_classes);
  std::int64_t examples_seen = 0;
  double window_loss = 0;
  std::int64_t window_steps = 0;
  std::size_t batches_seen = 0;
  // One optimizer step per `accumulate` batches: their gradients add up.
  std::size_t batches_in_step = 0, accumulated = 0, contributed = 0;
  double step_loss_sum = 0, lr = 0;

  while (auto host_batch = batches.next()) {
    if (interrupt_requested()) throw Interrupted();
    if (accumulated == 0) {
      batches_in_step = std::min(settings.accumulate, batch_count - batches_seen);
      lr = schedule_.lr(step_, metric_history);
      optimizer_step_.begin(lr);
      step_loss_sum = 0;
      contributed = 0;
    }
    ++batches_seen;
    ++accumulated;
    const std::size_t task = batches.last_task();
    if (task == 0 && teacher_logits_.defined()) attach_teacher_logits(*host_batch, teacher_logits_);
    const Batch batch = trial_.device.to_device(*host_batch);
    const at::Tensor logits = task == 0 ? training_logits(model, path, batch)
                                        : task_heads_->logits(task, backbone_features(model, path, batch));
    const at::Tensor loss = trial_.plugins.strategy->loss(model, batch, logits);
    const double loss_value = loss.item<double>();
    // Checked before backward, so a skipped batch adds nothing to the step's gradients.
    if (!std::isfinite(loss_value)) {
      if (!settings.skip_nonfinite_loss) {
        throw Diverged(fmt::format("diverged at step {}: the training loss is {}", step_ + 1, loss_value));
      }
      ++skipped_batches_;
    } else {
      optimizer_step_.backward(loss, batches_in_step, accumulated == batches_in_step);
      task_metrics[task].add(logits.detach(), batch.labels, loss_value);
      step_loss_sum += loss_value;
      ++contributed;
    }
    examples_seen += batch.size();
    progress.step(static_cast<std::int64_t>(batches_seen), loss_value, examples_seen);
    if (accumulated < batches_in_step) continue;
    accumulated = 0;
    // Every batch of the step skipped (on every rank): the weights stay as they were.
    if (!optimizer_step_.apply(static_cast<std::int64_t>(contributed))) continue;
    ++step_;
    if (contributed > 0) {
      window_loss += step_loss_sum / static_cast<double>(contributed);
      ++window_steps;
    }
    // The last step of an epoch is summarised by the epoch's own rows below.
    if (step_ % settings.log_every_steps == 0 && batches_seen != batch_count) {
      // Each rank's mean over its share of the batches; their mean is the global batches' loss.
      const double mean_loss = window_steps > 0 ? window_loss / static_cast<double>(window_steps) : 0.0;
      recorder_.record("train.loss", hooks_.mean(mean_loss), step_, epoch);
      recorder_.record("lr", lr, step_, epoch);
      window_loss = 0;
      window_steps = 0;
    }
    recorder_.flush_if_due();
  }
  if (settings.skip_nonfinite_loss) {
    recorder_.record("train.skipped_batches", static_cast<double>(skipped_batches_), step_, epoch);
  }
  auto measured = epoch_metrics(task_metrics, epoch);
  recorder_.record("lr", schedule_.lr(std::max<std::int64_t>(0, step_ - 1), metric_history), step_, epoch);
  return measured;
}

std::map<std::string, double> EpochTraining::epoch_metrics(std::vector<ClassificationMetrics>& metrics,
                                                           std::int64_t epoch) {
  std::map<std::string, double> measured;
  for (std::size_t task = 0; task < tasks_.size(); ++task) {
    hooks_.reduce(metrics[task]);
    if (metrics[task].count() == 0) continue;  // the strategy gave it no batch this epoch
    const std::string prefix = task == 0 ? "train." : task_prefix(tasks_[task].name) + "train.";
    recorder_.record(prefix + "loss", metrics[task].loss(), step_, epoch);
    recorder_.record(prefix + "accuracy", metrics[task].accuracy(), step_, epoch);
    for (const auto& [name, value] : metrics[task].values()) measured[prefix + name] = value;
  }
  return measured;
}

// One pass over a task's training split: the main task as a single-task run has it (bucketed,
// through cached features when the backbone is frozen); a further task through the model's
// collate. Pass 0 of the main task is shuffled exactly as a single-task run's epoch.
std::unique_ptr<BatchSource> EpochTraining::open_pass(std::size_t task, std::size_t pass, ForwardPath path,
                                                      std::uint64_t seed) {
  const std::uint64_t drawn_from = pass_seed(task == 0 ? seed : task_seed(seed, task), pass);
  const Dataset& dataset = task == 0 ? *trial_.plugins.dataset : *trial_.plugins.tasks[task - 1].dataset;
  static const std::vector<std::size_t> kNoLengths;  // further tasks are not bucketed
  auto order = training_order(dataset.size(Split::Train), drawn_from, task == 0 ? train_lengths_ : kNoLengths,
                              trial_.settings.batch_size);
  const TrainSettings& settings = trial_.settings;
  if (task == 0 && path == ForwardPath::CachedFeatures) {
    return std::make_unique<CachedBatches>(
        features_.get(Split::Train, Mode::Train),
        training_share(std::move(order), settings.batch_size, settings.drop_last, hooks_.share),
        Batching{share_batch_size(settings.batch_size, hooks_.share), settings.drop_last});
  }
  return training_loader(dataset, *trial_.plugins.model, settings, std::move(order), drawn_from, hooks_.share);
}

void EpochTraining::save(TrainingState& state) const {
  state.step = step_;
  state.skipped_batches = skipped_batches_;
}

void EpochTraining::restore(const TrainingState& state) {
  step_ = state.step;
  skipped_batches_ = state.skipped_batches;
}

}  // namespace graft::engine
