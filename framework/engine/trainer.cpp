#include "trainer.hpp"

#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>

#include "backbone.hpp"
#include "batch_loader.hpp"
#include "checkpoint.hpp"
#include "training_state.hpp"
#include "early_stopping.hpp"
#include "classification_metrics.hpp"
#include "evaluation.hpp"
#include "feature_cache.hpp"
#include "graft/errors.hpp"
#include "graft/hash.hpp"
#include "graft/log.hpp"
#include "length_buckets.hpp"
#include "task_batches.hpp"
#include "task_heads.hpp"
#include "teacher_logits.hpp"
#include "interrupt.hpp"
#include "lr_schedule.hpp"
#include "optimizer.hpp"
#include "progress.hpp"

namespace graft::engine {
namespace {

// Seeds of the data order and augmentation, apart from the model's initialisation seed.
constexpr std::uint64_t kShuffleStream = 0x5348;
constexpr std::uint64_t kAugmentStream = 0x4155;
constexpr std::uint64_t kTaskStream = 0x5441534b;  // + task index: a further task's data order

constexpr const char* kTaskHeadsBest = "task_heads.best";

struct Diverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How a training step reaches the logits, decided each epoch from what the strategy froze.
enum class ForwardPath {
  Full,            // model.forward with autograd throughout
  FrozenBackbone,  // backbone without autograd, head with it
  CachedFeatures,  // batches hold cached backbone features: the head alone
};

// The monitored metric improves upward, except losses.
bool improves(const std::string& monitor, double candidate, const std::optional<double>& best) {
  if (!best) return true;
  return lower_is_better(monitor) ? candidate < *best : candidate > *best;
}

// "task/coarse/" for auxiliary task `coarse`: the prefix of its metrics.
std::string task_prefix(const TaskInfo& task) { return "task/" + task.name + "/"; }

storage::ArtifactRow describe_file(const std::string& name, const std::filesystem::path& path) {
  return storage::ArtifactRow{name, path.string(), sha256_file(path),
                              static_cast<std::int64_t>(std::filesystem::file_size(path))};
}

class TrialTrainer {
 public:
  TrialTrainer(TrialPlugins& plugins, const TrainerOptions& options, RunRecorder& recorder)
      : plugins_(plugins),
        options_(options),
        recorder_(recorder),
        train_(options.train),
        device_(resolve_device(train_)),
        num_classes_(plugins.task.num_classes()),
        batch_size_(static_cast<std::size_t>(train_.get_int("batch_size"))),
        epochs_(train_.get_int("epochs")),
        monitor_(train_.get_string("monitor")),
        skip_nonfinite_(train_.get_string("on_nonfinite_loss") == "skip"),
        test_every_epoch_(train_.get_bool("test_every_epoch")),
        early_stopping_(EarlyStoppingOptions::from(train_)),
        use_feature_cache_(train_.get_bool("feature_cache")),
        feature_cache_(feature_cache_options()) {
    check_trial(plugins_, train_);
    tasks_ = task_infos(plugins_, train_);
    if (!plugins_.tasks.empty()) {
      task_heads_ = std::make_unique<TaskHeads>(*plugins_.model, *plugins_.dataset, plugins_.tasks,
                                                mix_seed(options_.seed, kTaskStream));
    }
    epoch_batches_ = plugins_.strategy->task_order(0).size();
    steps_per_epoch_ = optimizer_steps_for_batches(train_, epoch_batches_);
    if (train_.get_bool("bucket_by_length")) train_lengths_ = text_lengths(*plugins_.dataset, Split::Train);
  }

  TrainOutcome run() {
    plugins_.model->module().to(device_);
    if (plugins_.teacher) {
      plugins_.teacher->module().to(device_);
      FeatureCacheOptions cache = feature_cache_options();
      cache.identity = options_.teacher_identity;
      FeatureCache teacher_cache(std::move(cache));
      teacher_logits_ = compute_teacher_logits(*plugins_.teacher, *plugins_.dataset, teacher_cache);
    }
    auto groups = plugins_.strategy->param_groups(*plugins_.model);
    if (task_heads_) {
      task_heads_->module().to(device_);
      groups.push_back(OptimizerGroup{"task_heads", task_heads_->parameters(), 1.0});
    }
    ScaledOptimizer optimizer(train_, groups);
    const LrSchedule schedule(*plugins_.scheduler, options_.schedule, train_.get_float("lr"), steps_per_epoch_,
                              epochs_);
    ProgressReporter progress(options_.display_name, epochs_, static_cast<std::int64_t>(epoch_batches_),
                              options_.show_progress);
    TrainOutcome outcome;
    try {
      std::int64_t first_epoch = 0;
      bool stopped_early = false;
      if (options_.resume) {
        const auto state = restore(optimizer);
        first_epoch = state.epochs_done;
        stopped_early = state.stopped_early;
        log::info("{}: resuming after epoch {} (step {})", options_.display_name, first_epoch, step_);
      }
      for (std::int64_t epoch = first_epoch; epoch < epochs_ && !stopped_early; ++epoch) {
        progress.begin_epoch(epoch);
        train_epoch(epoch, optimizer, schedule, progress);
        const auto measured = end_epoch(epoch);
        if (auto reason = early_stopping_.update(epoch, measured)) {
          log::info("{}: {}", options_.display_name, *reason);
          recorder_.record("early_stopping.epoch", static_cast<double>(epoch), step_, epoch);
          outcome.error = std::move(*reason);  // the note of a completed run: why it ended early
          stopped_early = true;
        }
        recorder_.flush();
        // After the epoch's rows are in the store: a resume redoes what came after this.
        save_training_state(training_state_path(options_.run_dir), snapshot(epoch + 1, stopped_early),
                            plugins_.model->module(), optimizer.optimizer(),
                            task_heads_ ? &task_heads_->module() : nullptr);
        progress.end_epoch(epoch_summary(measured));
      }
      if (!test_every_epoch_) test_best_checkpoint();
    } catch (const Interrupted& stop) {
      outcome.status = storage::RunStatus::Interrupted;
      outcome.error = stop.what();
    } catch (const Diverged& divergence) {
      outcome.status = storage::RunStatus::Failed;
      outcome.error = divergence.what();
    } catch (const c10::Error& error) {
      outcome.status = storage::RunStatus::Failed;
      outcome.error = error.what_without_backtrace();
    } catch (const std::exception& error) {
      outcome.status = storage::RunStatus::Failed;
      outcome.error = error.what();
    }
    progress.message("");
    record_summary(outcome);
    return outcome;
  }

 private:
  void train_epoch(std::int64_t epoch, ScaledOptimizer& optimizer, const LrSchedule& schedule,
                   ProgressReporter& progress) {
    auto& model = *plugins_.model;
    model.module().train();
    plugins_.strategy->on_epoch_start(model, static_cast<int>(epoch), static_cast<int>(epochs_));
    const ForwardPath path = training_path();
    // Only a frozen backbone keeps its weights through the epoch's optimizer steps.
    if (path == ForwardPath::Full) backbone_digest_.reset();

    const std::uint64_t epoch_seed = mix_seed(options_.seed, static_cast<std::uint64_t>(epoch));
    auto task_order = plugins_.strategy->task_order(static_cast<int>(epoch));
    if (task_order.size() != epoch_batches_) {
      throw std::logic_error(fmt::format("the strategy ordered {} batches for epoch {} and {} for the first",
                                         task_order.size(), epoch + 1, epoch_batches_));
    }
    TaskBatches batches_of_tasks(std::move(task_order), tasks_.size(), [&](std::size_t task, std::size_t pass) {
      return open_training_pass(task, pass, path, epoch_seed);
    });
    BatchSource* const batches = &batches_of_tasks;  // one pass over the main task, or several tasks
    const double clip = train_.get_float("grad_clip_norm");
    const auto log_every = train_.get_int("log_every_steps");
    const auto accumulate = static_cast<std::size_t>(train_.get_int("accumulate"));
    const std::size_t batch_count = batches->batch_count();
    std::vector<ClassificationMetrics> task_metrics;
    for (const auto& task : tasks_) task_metrics.emplace_back(task.num_classes);
    std::int64_t examples_seen = 0;
    double window_loss = 0;
    std::int64_t window_steps = 0, steps_in_epoch = 0;
    std::size_t batches_seen = 0;
    // One optimizer step per `accumulate` batches: their gradients add up, each loss divided by
    // the number of batches in the step so that the step follows their mean loss.
    std::size_t batches_in_step = 0, accumulated = 0, contributed = 0;
    double step_loss_sum = 0, lr = 0;

    while (auto host_batch = batches->next()) {
      if (interrupt_requested()) throw Interrupted();
      if (accumulated == 0) {
        batches_in_step = std::min(accumulate, batch_count - batches_seen);
        lr = schedule.lr(step_, metric_history_);
        optimizer.set_lr(lr);
        optimizer.zero_grad();
        step_loss_sum = 0;
        contributed = 0;
      }
      ++batches_seen;
      ++accumulated;
      const std::size_t task = batches_of_tasks.last_task();
      if (task == 0 && teacher_logits_.defined()) attach_teacher_logits(*host_batch, teacher_logits_);
      const Batch batch = host_batch->to(device_);
      const at::Tensor logits = task == 0 ? training_logits(path, batch) : task_logits(task, path, batch);
      const at::Tensor loss = plugins_.strategy->loss(model, batch, logits);
      const double loss_value = loss.item<double>();
      // Checked before backward, so a skipped batch adds nothing to the step's gradients.
      if (!std::isfinite(loss_value)) {
        if (!skip_nonfinite_) {
          throw Diverged(fmt::format("diverged at step {}: the training loss is {}", step_ + 1, loss_value));
        }
        ++skipped_batches_;
      } else {
        (batches_in_step > 1 ? loss / static_cast<double>(batches_in_step) : loss).backward();
        task_metrics[task].add(logits.detach(), batch.labels, loss_value);
        step_loss_sum += loss_value;
        ++contributed;
      }
      examples_seen += batch.size();
      progress.step(static_cast<std::int64_t>(batches_seen), loss_value, examples_seen);
      if (accumulated < batches_in_step) continue;
      accumulated = 0;
      if (contributed == 0) continue;  // every batch of the step was skipped: the weights stay as they were
      if (clip > 0) torch::nn::utils::clip_grad_norm_(optimizer.parameters(), clip);
      optimizer.step();
      ++step_;
      ++steps_in_epoch;
      window_loss += step_loss_sum / static_cast<double>(contributed);
      ++window_steps;
      // The last step of an epoch is summarised by the epoch's own rows below.
      if (step_ % log_every == 0 && batches_seen != batch_count) {
        recorder_.record("train.loss", window_loss / static_cast<double>(window_steps), step_, epoch);
        recorder_.record("lr", lr, step_, epoch);
        window_loss = 0;
        window_steps = 0;
      }
      recorder_.flush_if_due();
    }
    if (skip_nonfinite_) recorder_.record("train.skipped_batches", static_cast<double>(skipped_batches_), step_, epoch);
    train_metrics_.clear();
    for (std::size_t task = 0; task < tasks_.size(); ++task) {
      const std::string prefix = task == 0 ? "train." : task_prefix(tasks_[task]) + "train.";
      if (task_metrics[task].count() == 0) continue;  // the strategy gave it no batch this epoch
      recorder_.record(prefix + "loss", task_metrics[task].loss(), step_, epoch);
      recorder_.record(prefix + "accuracy", task_metrics[task].accuracy(), step_, epoch);
      for (const auto& [name, value] : task_metrics[task].values()) train_metrics_[prefix + name] = value;
    }
    recorder_.record("lr", schedule.lr(std::max<std::int64_t>(0, step_ - 1), metric_history_), step_, epoch);
  }

  // One pass over a task's training split: the main task as a single-task run has it (bucketed,
  // through cached features when the backbone is frozen); a further task through the model's
  // collate. Pass 0 of the main task is shuffled exactly as a single-task run's epoch.
  std::unique_ptr<BatchSource> open_training_pass(std::size_t task, std::size_t pass, ForwardPath path,
                                                  std::uint64_t epoch_seed) {
    const std::uint64_t task_seed = task == 0 ? epoch_seed : mix_seed(epoch_seed, kTaskStream + task);
    const std::uint64_t pass_seed = pass == 0 ? task_seed : mix_seed(task_seed, pass);
    const Dataset& dataset = task == 0 ? *plugins_.dataset : *plugins_.tasks[task - 1].dataset;
    auto order = example_order(dataset.size(Split::Train), mix_seed(pass_seed, kShuffleStream));
    if (task == 0 && !train_lengths_.empty()) order = group_by_length(order, train_lengths_, batch_size_);
    if (task == 0 && path == ForwardPath::CachedFeatures) {
      return std::make_unique<CachedBatches>(cached_features(Split::Train, Mode::Train), std::move(order),
                                             training_batching());
    }
    return std::make_unique<BatchLoader>(dataset, Split::Train, std::move(order), collate_with(*plugins_.model),
                                         loader_options(train_, batch_size_, Mode::Train,
                                                        mix_seed(pass_seed, kAugmentStream),
                                                        train_.get_bool("drop_last")));
  }

  std::map<std::string, double> end_epoch(std::int64_t epoch) {
    std::map<std::string, double> measured = train_metrics_;
    for (Split split : {Split::Validation, Split::Test}) {
      if (split == Split::Test && !test_every_epoch_) continue;
      for (const auto& [key, value] : evaluate_tasks(split)) {
        measured[key] = value;
        recorder_.record(key, value, step_, epoch);
      }
    }
    const auto monitored = measured.find(monitor_);
    if (monitored != measured.end()) {
      metric_history_.push_back(monitored->second);
      if (improves(monitor_, monitored->second, best_monitored_)) {
        best_monitored_ = monitored->second;
        best_epoch_ = epoch;
        best_measured_ = measured;
        save_checkpoints("best");
      }
    }
    save_checkpoints("last");
    return measured;
  }

  TrainingState snapshot(std::int64_t epochs_done, bool stopped_early) const {
    TrainingState state;
    state.epochs_done = epochs_done;
    state.step = step_;
    state.skipped_batches = skipped_batches_;
    state.metric_history = metric_history_;
    state.best_monitored = best_monitored_;
    state.best_epoch = best_epoch_;
    state.best_measured = best_measured_;
    state.early_stopping = early_stopping_.state();
    state.stopped_early = stopped_early;
    return state;
  }

  TrainingState restore(ScaledOptimizer& optimizer) {
    auto state = load_training_state(training_state_path(options_.run_dir), plugins_.model->module(),
                                     optimizer.optimizer(), task_heads_ ? &task_heads_->module() : nullptr);
    step_ = state.step;
    skipped_batches_ = state.skipped_batches;
    metric_history_ = state.metric_history;
    best_monitored_ = state.best_monitored;
    best_epoch_ = state.best_epoch;
    best_measured_ = state.best_measured;
    early_stopping_.restore(state.early_stopping);
    return state;
  }

  // The test split, measured once with the weights the monitored metric chose.
  void test_best_checkpoint() {
    const auto best = options_.run_dir / checkpoint_file("best");
    if (best_epoch_ && std::filesystem::exists(best)) {
      load_checkpoint(plugins_.model->module(), best);
      if (task_heads_) load_checkpoint(task_heads_->module(), options_.run_dir / checkpoint_file(kTaskHeadsBest));
      backbone_digest_.reset();
    }
    const std::int64_t epoch = best_epoch_ ? *best_epoch_ : epochs_ - 1;
    for (const auto& [key, value] : evaluate_tasks(Split::Test)) {
      recorder_.record(key, value, step_, epoch);
      best_measured_[key] = value;
    }
    recorder_.flush();
  }

  // The model's checkpoint "best" or "last", and the further tasks' heads beside it.
  void save_checkpoints(const std::string& name) {
    save_checkpoint(plugins_.model->module(), options_.run_dir / checkpoint_file(name));
    if (task_heads_) save_checkpoint(task_heads_->module(), options_.run_dir / checkpoint_file("task_heads." + name));
  }

  // One split of every task that has it: the main task's metrics as "val.accuracy", ...; a
  // further task's as "task/NAME/val.accuracy", ...
  std::map<std::string, double> evaluate_tasks(Split split) {
    std::map<std::string, double> named;
    if (plugins_.dataset->size(split) > 0) named = evaluate_split(split);
    for (std::size_t task = 1; task < tasks_.size(); ++task) {
      const Dataset& dataset = *plugins_.tasks[task - 1].dataset;
      if (dataset.size(split) == 0) continue;
      auto& model = *plugins_.model;
      model.module().eval();
      BatchLoader loader(dataset, split, example_order(dataset.size(split), std::nullopt), collate_with(model),
                         loader_options(train_, static_cast<std::size_t>(train_.get_int("eval_batch_size")),
                                        Mode::Eval, 0, false));
      const auto values = measure(
          loader, [&](const Batch& batch) { return task_heads_->logits(task, model.features(batch)); },
          tasks_[task].num_classes, device_);
      for (const auto& [name, value] : values)
        named[task_prefix(tasks_[task]) + split_name(split) + "." + name] = value;
    }
    return named;
  }

  // "val.accuracy", ... of the main task on one split, through cached features when the backbone is frozen.
  std::map<std::string, double> evaluate_split(Split split) {
    auto& model = *plugins_.model;
    model.module().eval();
    std::map<std::string, double> values;
    if (backbone_frozen(model) && cacheable(Mode::Eval)) {
      const auto& cached = cached_features(split, Mode::Eval);
      CachedBatches batches(cached, example_order(plugins_.dataset->size(split), std::nullopt),
                            Batching{static_cast<std::size_t>(train_.get_int("eval_batch_size")), false});
      values = measure(batches, [&model](const Batch& batch) { return model.head(batch.inputs); }, num_classes_,
                       device_);
    } else {
      values = evaluate(model, *plugins_.dataset, split, num_classes_, train_, device_);
    }
    std::map<std::string, double> named;
    for (const auto& [name, value] : values) named[std::string(split_name(split)) + "." + name] = value;
    return named;
  }

  ForwardPath training_path() {
    if (!backbone_frozen(*plugins_.model)) return ForwardPath::Full;
    return cacheable(Mode::Train) ? ForwardPath::CachedFeatures : ForwardPath::FrozenBackbone;
  }

  // Features of a frozen backbone may be cached: enabled, and the model's collate is deterministic.
  bool cacheable(Mode mode) const {
    return use_feature_cache_ && !plugins_.model->preprocessing_key(mode).empty();
  }

  at::Tensor training_logits(ForwardPath path, const Batch& batch) {
    auto& model = *plugins_.model;
    switch (path) {
      case ForwardPath::CachedFeatures:
        return model.head(batch.inputs);
      case ForwardPath::FrozenBackbone: {
        at::Tensor features;
        {
          torch::NoGradGuard no_grad;
          features = model.features(batch);
        }
        return model.head(features);
      }
      default:
        return model.forward(batch);
    }
  }

  // A further task's logits: its head on the model's features, which keep autograd only when the
  // backbone trains this epoch.
  at::Tensor task_logits(std::size_t task, ForwardPath path, const Batch& batch) {
    if (path == ForwardPath::Full) return task_heads_->logits(task, plugins_.model->features(batch));
    at::Tensor features;
    {
      torch::NoGradGuard no_grad;
      features = plugins_.model->features(batch);
    }
    return task_heads_->logits(task, features);
  }

  const CachedFeatures& cached_features(Split split, Mode mode) {
    if (!backbone_digest_) backbone_digest_ = backbone_digest(*plugins_.model);
    const auto& cached = feature_cache_.get(*plugins_.model, *plugins_.dataset, split, mode, *backbone_digest_);
    const std::string artifact = std::string("features.") + split_name(split);
    if (!cached.file.empty() && recorded_artifacts_.insert(artifact).second) {
      recorder_.add_artifact(describe_file(artifact, cached.file));
    }
    return cached;
  }

  FeatureCacheOptions feature_cache_options() const {
    FeatureCacheOptions cache;
    cache.folder = options_.cache_dir;
    cache.identity = options_.feature_identity;
    cache.loader = loader_options(train_, static_cast<std::size_t>(train_.get_int("eval_batch_size")), Mode::Eval, 0,
                                  false);
    cache.device = device_;
    return cache;
  }

  Batching training_batching() const { return Batching{batch_size_, train_.get_bool("drop_last")}; }

  std::string epoch_summary(const std::map<std::string, double>& measured) const {
    std::string text;
    std::vector<std::string> keys = {"train.loss", "val.loss", "val.accuracy", "test.accuracy"};
    for (std::size_t task = 1; task < tasks_.size(); ++task) keys.push_back(task_prefix(tasks_[task]) + "val.accuracy");
    for (const auto& key : keys) {
      if (auto it = measured.find(key); it != measured.end()) text += fmt::format(" {} {:.4f}", key, it->second);
    }
    return text;
  }

  // The summary of the run: the best epoch and every metric measured then, as "best.*" rows.
  void record_summary(TrainOutcome& outcome) {
    if (best_epoch_) {
      outcome.summary["best.epoch"] = static_cast<double>(*best_epoch_);
      for (const auto& [key, value] : best_measured_) outcome.summary["best." + key] = value;
    }
    try {
      for (const auto& [key, value] : outcome.summary) recorder_.record(key, value, step_, std::nullopt);
      for (const char* name : {"best", "last", kTaskHeadsBest, "task_heads.last"}) {
        const auto path = options_.run_dir / checkpoint_file(name);
        if (std::filesystem::exists(path)) recorder_.add_artifact(describe_file(name, path));
      }
      recorder_.flush();
    } catch (const std::exception& error) {
      log::error("could not record the summary of run {}: {}", recorder_.run_id(), error.what());
    }
  }

  TrialPlugins& plugins_;
  const TrainerOptions& options_;
  RunRecorder& recorder_;
  const Params& train_;
  c10::Device device_;
  std::size_t num_classes_;
  std::size_t batch_size_;
  std::int64_t epochs_;
  std::string monitor_;
  bool skip_nonfinite_;
  bool test_every_epoch_;
  EarlyStopping early_stopping_;
  bool use_feature_cache_;
  FeatureCache feature_cache_;
  std::optional<std::string> backbone_digest_;  // of the current backbone weights, while they hold
  std::set<std::string> recorded_artifacts_;
  std::int64_t skipped_batches_ = 0;  // batches dropped for a NaN or infinite loss, whole run
  std::int64_t steps_per_epoch_ = 1;  // optimizer steps
  std::vector<std::size_t> train_lengths_;  // text lengths, with bucket_by_length
  at::Tensor teacher_logits_;               // [train examples, classes], with a [teacher]
  std::int64_t step_ = 0;
  std::map<std::string, double> train_metrics_;  // "train.loss", "task/NAME/train.loss", ... of the last epoch
  std::vector<TaskInfo> tasks_;                   // the main task, then [tasks.NAME]
  std::unique_ptr<TaskHeads> task_heads_;         // with further tasks only
  std::size_t epoch_batches_ = 0;                 // training batches per epoch, every task together
  std::vector<double> metric_history_;  // the monitored metric at each epoch end
  std::optional<double> best_monitored_;
  std::optional<std::int64_t> best_epoch_;
  std::map<std::string, double> best_measured_;
};

}  // namespace

void check_trial(const TrialPlugins& plugins, const Params& train) {
  if (plugins.dataset->size(Split::Train) == 0) throw InputError("the dataset has no training examples");
  for (const char* key : {"monitor", "early_stopping_monitor"}) {
    const std::string& monitor = train.get_string(key);
    if (monitor.rfind("val.", 0) == 0 && plugins.dataset->size(Split::Validation) == 0) {
      throw InputError(fmt::format("train.{} = \"{}\" needs a validation split, and the dataset has none "
                                   "(give the dataset a validation fraction, or monitor train.loss)",
                                   key, monitor));
    }
  }
  resolve_device(train);
}

c10::Device resolve_device(const Params& train) {
  const std::string& wanted = train.get_string("device");
  if (wanted == "cpu") return c10::Device(c10::kCPU);
  const bool has_cuda = torch::cuda::is_available();
  if (wanted == "cuda" && !has_cuda) {
    throw InputError("train.device = \"cuda\", but this LibTorch sees no CUDA device (use \"auto\" or \"cpu\")");
  }
  return has_cuda ? c10::Device(c10::kCUDA) : c10::Device(c10::kCPU);
}

TrainOutcome train_trial(TrialPlugins& plugins, const TrainerOptions& options, RunRecorder& recorder) {
  try {
    TrialTrainer trainer(plugins, options, recorder);
    return trainer.run();
  } catch (const std::exception& error) {
    TrainOutcome outcome;
    outcome.status = storage::RunStatus::Failed;
    outcome.error = error.what();
    return outcome;
  }
}

}  // namespace graft::engine
