#include "engine/lr_finder.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "engine/batch_loader.hpp"
#include "engine/forward_path.hpp"
#include "engine/interrupt.hpp"
#include "engine/length_buckets.hpp"
#include "engine/optimizer.hpp"
#include "engine/optimizer_step.hpp"
#include "engine/progress.hpp"
#include "engine/run_description.hpp"
#include "engine/run_end.hpp"
#include "engine/run_features.hpp"
#include "engine/teacher_logits.hpp"
#include "engine/training_batches.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::engine {
namespace {

class RangeTest {
 public:
  RangeTest(PreparedTrial& trial, const LrFindSettings& settings, RunRecorder* recorder, bool show_progress)
      : trial_(trial),
        settings_(settings),
        recorder_(recorder),
        smoothed_(0.98),
        divergence_(settings.divergence),
        progress_("lr-find", 1, settings.steps, show_progress) {}

  LrFindCurve run() {
    const RunEnd end = run_guarded([this] { train(); });
    curve_.status = end.status;
    curve_.error = end.error;
    progress_.message("");
    curve_.suggestions = lr_find::suggest(curve_.lrs, curve_.smoothed, settings_.steps);
    record_suggestions();
    return curve_;
  }

 private:
  void train() {
    const TrainSettings& train = trial_.settings;
    auto& model = *trial_.plugins.model;
    model.module().to(trial_.device.device);
    ScaledOptimizer optimizer(train.table, trial_.plugins.strategy->param_groups(model));
    OptimizerStep optimizer_step(optimizer, train.grad_clip_norm, hooks_);
    // What trains, and in which mode, is the strategy's choice for the first epoch of the run.
    model.module().train();
    trial_.plugins.strategy->on_epoch_start(model, 0, static_cast<int>(train.epochs));
    const ForwardPath path = forward_path(model, /*cacheable=*/false);
    const auto& dataset = *trial_.plugins.dataset;
    const auto examples = dataset.size(Split::Train);
    // The [teacher]'s logits as the trainer computes them, in memory only: a probe writes nothing
    // to the cache folder.
    const at::Tensor teacher_logits =
        teacher_targets(trial_.plugins.teacher.get(), dataset, feature_cache_options(train, trial_.device, {}, {}));
    const auto lengths = train.bucket_by_length ? text_lengths(dataset, Split::Train) : std::vector<std::size_t>{};
    progress_.begin_epoch(0);
    std::int64_t samples = 0;

    for (std::int64_t pass = 0; step_ < settings_.steps; ++pass) {
      const std::uint64_t seed = epoch_seed(trial_.resolved.seed, pass);
      auto batches =
          training_loader(dataset, model, train, training_order(examples, seed, lengths, train.batch_size), seed);
      if (batches->batch_count() == 0) throw InputError("the training split gives no batch");
      while (step_ < settings_.steps) {
        auto host_batch = batches->next();
        if (!host_batch) break;
        if (interrupt_requested()) throw Interrupted();
        const double lr = lr_find::ramp_lr(settings_.start_lr, settings_.end_lr, step_, settings_.steps);
        optimizer_step.begin(lr);
        if (teacher_logits.defined()) attach_teacher_logits(*host_batch, teacher_logits);
        const Batch batch = trial_.device.to_device(*host_batch);
        const at::Tensor logits = training_logits(model, path, batch);
        const at::Tensor loss = trial_.plugins.strategy->loss(model, batch, logits);
        const double loss_value = loss.item<double>();
        // A NaN or infinite loss is recorded and ends the test below; it trains nothing.
        if (std::isfinite(loss_value)) {
          optimizer_step.backward(loss, 1, /*last_of_step=*/true);
          optimizer_step.apply(1);
        }
        ++step_;
        samples += batch.size();
        record_point(pass, lr, loss_value);
        progress_.step(step_, curve_.smoothed.back(), samples);
        // As fastai: the step that diverged is part of the curve.
        if (divergence_.diverged(curve_.smoothed.back())) {
          curve_.diverged_at = step_;
          return;
        }
      }
    }
  }

  void record_point(std::int64_t pass, double lr, double loss) {
    const double smoothed = smoothed_.add(loss);
    curve_.lrs.push_back(lr);
    curve_.losses.push_back(loss);
    curve_.smoothed.push_back(smoothed);
    if (!recorder_) return;
    recorder_->record("lr_find.lr", lr, step_, pass);
    recorder_->record("lr_find.loss", loss, step_, pass);
    recorder_->record("lr_find.smoothed_loss", smoothed, step_, pass);
    recorder_->flush_if_due();
  }

  void record_suggestions() {
    if (!recorder_) return;
    try {
      const auto& s = curve_.suggestions;
      for (const auto& [name, value] : {std::pair{"valley", s.valley}, {"steep", s.steep}, {"minimum", s.minimum}}) {
        if (value) recorder_->record(std::string("lr_find.suggestion.") + name, *value, step_, std::nullopt);
      }
      recorder_->flush();
    } catch (const std::exception& error) {
      log::error("could not record the suggestions of run {}: {}", recorder_->run_id(), error.what());
    }
  }

  PreparedTrial& trial_;
  LrFindSettings settings_;
  RunRecorder* recorder_;
  TrainingHooks hooks_;  // a probe of one process: none
  lr_find::SmoothedLoss smoothed_;
  lr_find::DivergenceCheck divergence_;
  ProgressReporter progress_;
  std::int64_t step_ = 0;
  LrFindCurve curve_;
};

storage::ParamRow real_param(const std::string& key, double value) { return storage::ParamRow{key, value}; }

std::string format_lr(std::optional<double> lr) { return lr ? fmt::format("{:.3g}", *lr) : std::string("none"); }

}  // namespace

void check_lr_find_settings(const LrFindSettings& settings) {
  for (const auto& [option, value] : {std::pair{"--start-lr", settings.start_lr}, {"--end-lr", settings.end_lr}}) {
    if (!std::isfinite(value) || value <= 0) {
      throw InputError(fmt::format("{} must be a learning rate above 0, got {}", option, value));
    }
  }
  if (settings.start_lr >= settings.end_lr) {
    throw InputError(fmt::format("--start-lr ({}) must be below --end-lr ({}): the test ramps the LR up from one to "
                                 "the other",
                                 settings.start_lr, settings.end_lr));
  }
  if (settings.steps < 2 || settings.steps > kMaxLrFindSteps) {
    throw InputError(fmt::format("--steps must be between 2 and {}, got {}", kMaxLrFindSteps, settings.steps));
  }
  if (!std::isfinite(settings.divergence) || settings.divergence <= 1) {
    throw InputError(fmt::format("--divergence must be above 1 (fastai uses 4), got {}", settings.divergence));
  }
}

std::string LrFindCurve::stopped() const {
  if (status != storage::RunStatus::Completed) return error;
  if (diverged_at) return fmt::format("diverged at step {}", *diverged_at);
  return "completed";
}

LrFindCurve range_test(PreparedTrial& trial, const LrFindSettings& settings, RunRecorder* recorder,
                       bool show_progress) {
  check_lr_find_settings(settings);
  RangeTest test(trial, settings, recorder, show_progress);
  return test.run();
}

LrFindOutcome find_learning_rate(const experiment::Experiment& experiment, const experiment::Trial& trial,
                                 const host::Registry& registry, const LrFindOptions& options) {
  check_lr_find_settings(options.settings);
  install_interrupt_handler();
  // As graft run: everything that can be bad input is found before the store is opened.
  PreparedTrial prepared = prepare_trial(
      trial, registry,
      PreparationOptions::beside_store(options.store_path, std::filesystem::path(experiment.file).parent_path(),
                                       options.default_threads));
  const auto& settings = options.settings;
  log::info("{}: LR range test of trial {} ({}): {} steps from {} to {}", experiment.name, trial.index + 1,
            trial.name, settings.steps, settings.start_lr, settings.end_lr);

  LrFindOutcome outcome;
  std::optional<storage::Store> store;
  std::unique_ptr<RunRecorder> recorder;
  if (options.record) {
    storage::NewRun run = describe_run(experiment, prepared);
    run.kind = storage::RunKind::LrFind;
    run.params.push_back(real_param("lr_find.start_lr", settings.start_lr));
    run.params.push_back(real_param("lr_find.end_lr", settings.end_lr));
    run.params.push_back(storage::ParamRow{"lr_find.steps", settings.steps});
    run.params.push_back(real_param("lr_find.divergence", settings.divergence));
    store = storage::Store::open(options.store_path);
    outcome.run_id = store->begin_run(run);
    recorder = std::make_unique<RunRecorder>(*store, *outcome.run_id);
    record_references(*recorder, prepared);  // as `graft run` records them
    log::info("{}: run {} started (kind lr_find)", experiment.name, *outcome.run_id);
  }

  outcome.curve = range_test(prepared, settings, recorder.get(), options.show_progress);
  recorder.reset();  // flushes
  const auto& curve = outcome.curve;
  if (store) {
    const bool noted = curve.status == storage::RunStatus::Completed && curve.diverged_at;
    store->finish_run(*outcome.run_id, curve.status, noted ? curve.stopped() : curve.error);
  }
  const std::string label = outcome.run_id ? fmt::format("run {}", *outcome.run_id) : std::string("lr-find");
  if (curve.status == storage::RunStatus::Failed) {
    log::error("{}: failed: {}", label, curve.error);
  } else {
    log::info("{}: {} after {} step(s); suggestions: valley {}, steep {}, minimum/10 {}", label, curve.stopped(),
              curve.lrs.size(), format_lr(curve.suggestions.valley), format_lr(curve.suggestions.steep),
              format_lr(curve.suggestions.minimum));
  }
  return outcome;
}

}  // namespace graft::engine
