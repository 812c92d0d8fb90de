#include "lr_finder.hpp"

#include <cmath>
#include <memory>

#include <fmt/format.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/utils.h>

#include "backbone.hpp"
#include "batch_loader.hpp"
#include "evaluation.hpp"
#include "experiment_runner.hpp"
#include "graft/errors.hpp"
#include "graft/hash.hpp"
#include "graft/log.hpp"
#include "interrupt.hpp"
#include "length_buckets.hpp"
#include "lr_schedule.hpp"
#include "optimizer.hpp"
#include "progress.hpp"
#include "run_reference.hpp"
#include "teacher_logits.hpp"
#include "trainer.hpp"

namespace graft::engine {
namespace {

// The trainer's seed streams of the data order and augmentation (trainer.cpp), so that the range
// test sees the batches of `graft run`'s first epochs, in the same order.
constexpr std::uint64_t kShuffleStream = 0x5348;
constexpr std::uint64_t kAugmentStream = 0x4155;

struct Stop {
  storage::RunStatus status;
  std::string error;
};

class RangeTest {
 public:
  RangeTest(TrialPlugins& plugins, const Params& train, std::uint64_t seed, const LrFindSettings& settings,
            RunRecorder* recorder, bool show_progress)
      : plugins_(plugins),
        train_(train),
        seed_(seed),
        settings_(settings),
        recorder_(recorder),
        device_(resolve_device(train)),
        batch_size_(static_cast<std::size_t>(train.get_int("batch_size"))),
        smoothed_(0.98),
        divergence_(settings.divergence),
        progress_("lr-find", 1, settings.steps, show_progress) {}

  LrFindCurve run() {
    try {
      train();
    } catch (const Interrupted& stop) {
      curve_.status = storage::RunStatus::Interrupted;
      curve_.error = stop.what();
    } catch (const c10::Error& error) {
      curve_.status = storage::RunStatus::Failed;
      curve_.error = error.what_without_backtrace();
    } catch (const std::exception& error) {
      curve_.status = storage::RunStatus::Failed;
      curve_.error = error.what();
    }
    progress_.message("");
    curve_.suggestions = lr_find::suggest(curve_.lrs, curve_.smoothed, settings_.steps);
    record_suggestions();
    return curve_;
  }

 private:
  // The [teacher]'s logits per training example, as the trainer computes them (in memory only:
  // a probe writes nothing to the cache folder); undefined without a teacher.
  at::Tensor distillation_targets() {
    if (!plugins_.teacher) return {};
    plugins_.teacher->module().to(device_);
    FeatureCacheOptions cache;
    cache.loader = loader_options(train_, static_cast<std::size_t>(train_.get_int("eval_batch_size")), Mode::Eval, 0,
                                  false);
    cache.device = device_;
    FeatureCache teacher_cache(std::move(cache));
    return compute_teacher_logits(*plugins_.teacher, *plugins_.dataset, teacher_cache);
  }

  void train() {
    auto& model = *plugins_.model;
    model.module().to(device_);
    const auto groups = plugins_.strategy->param_groups(model);
    ScaledOptimizer optimizer(train_, groups);
    // What trains, and in which mode, is the strategy's choice for the first epoch of the run.
    model.module().train();
    plugins_.strategy->on_epoch_start(model, 0, static_cast<int>(train_.get_int("epochs")));
    const bool frozen = backbone_frozen(model);
    const double clip = train_.get_float("grad_clip_norm");
    const auto examples = plugins_.dataset->size(Split::Train);
    const at::Tensor teacher_logits = distillation_targets();
    const auto lengths = train_.get_bool("bucket_by_length") ? text_lengths(*plugins_.dataset, Split::Train)
                                                             : std::vector<std::size_t>{};
    progress_.begin_epoch(0);
    std::int64_t samples = 0;

    for (std::int64_t pass = 0; step_ < settings_.steps; ++pass) {
      const std::uint64_t epoch_seed = mix_seed(seed_, static_cast<std::uint64_t>(pass));
      auto order = example_order(examples, mix_seed(epoch_seed, kShuffleStream));
      if (!lengths.empty()) order = group_by_length(order, lengths, batch_size_);
      BatchLoader batches(*plugins_.dataset, Split::Train, std::move(order), collate_with(model),
                          loader_options(train_, batch_size_, Mode::Train, mix_seed(epoch_seed, kAugmentStream),
                                         train_.get_bool("drop_last")));
      if (batches.batch_count() == 0) throw InputError("the training split gives no batch");
      while (step_ < settings_.steps) {
        auto host_batch = batches.next();
        if (!host_batch) break;
        if (interrupt_requested()) throw Interrupted();
        const double lr = lr_find::ramp_lr(settings_.start_lr, settings_.end_lr, step_, settings_.steps);
        optimizer.set_lr(lr);
        if (teacher_logits.defined()) attach_teacher_logits(*host_batch, teacher_logits);
        const Batch batch = host_batch->to(device_);
        const at::Tensor logits = frozen ? frozen_backbone_logits(batch) : model.forward(batch);
        const at::Tensor loss = plugins_.strategy->loss(model, batch, logits);
        const double loss_value = loss.item<double>();
        // A NaN or infinite loss is recorded and ends the test below; it trains nothing.
        if (std::isfinite(loss_value)) {
          optimizer.zero_grad();
          loss.backward();
          if (clip > 0) torch::nn::utils::clip_grad_norm_(optimizer.parameters(), clip);
          optimizer.step();
        }
        ++step_;
        samples += batch.size();
        const double smoothed = smoothed_.add(loss_value);
        curve_.lrs.push_back(lr);
        curve_.losses.push_back(loss_value);
        curve_.smoothed.push_back(smoothed);
        if (recorder_) {
          recorder_->record("lr_find.lr", lr, step_, pass);
          recorder_->record("lr_find.loss", loss_value, step_, pass);
          recorder_->record("lr_find.smoothed_loss", smoothed, step_, pass);
          recorder_->flush_if_due();
        }
        progress_.step(step_, smoothed, samples);
        // As fastai: the step that diverged is part of the curve.
        if (divergence_.diverged(smoothed)) {
          curve_.diverged_at = step_;
          return;
        }
      }
    }
  }

  // The strategy froze the whole backbone: it runs without autograd, as in the trainer.
  at::Tensor frozen_backbone_logits(const Batch& batch) {
    at::Tensor features;
    {
      torch::NoGradGuard no_grad;
      features = plugins_.model->features(batch);
    }
    return plugins_.model->head(features);
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

  TrialPlugins& plugins_;
  const Params& train_;
  std::uint64_t seed_;
  LrFindSettings settings_;
  RunRecorder* recorder_;
  c10::Device device_;
  std::size_t batch_size_;
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

LrFindCurve range_test(TrialPlugins& plugins, const Params& train, std::uint64_t seed, const LrFindSettings& settings,
                       RunRecorder* recorder, bool show_progress) {
  check_lr_find_settings(settings);
  RangeTest test(plugins, train, seed, settings, recorder, show_progress);
  return test.run();
}

LrFindOutcome find_learning_rate(const experiment::Experiment& experiment, const experiment::Trial& trial,
                                 const host::Registry& registry, const LrFindOptions& options) {
  check_lr_find_settings(options.settings);
  install_interrupt_handler();
  // As run_experiment: everything that can be bad input is found before the store is opened.
  experiment::Trial resolved = trial;
  const auto references = resolve_run_references(resolved, options.store_path,
                                                 std::filesystem::path(experiment.file).parent_path());
  TrialPlugins plugins = setup_trial(resolved, registry, cache_folder(options.store_path), options.default_threads);
  const Params& train = resolved.tables.at("train");
  check_trial(plugins, train);
  check_warmup_keys(resolved.plugins.at("scheduler").params);  // refused by graft run, so here too
  const auto& settings = options.settings;
  log::info("{}: LR range test of trial {} ({}): {} steps from {} to {}", experiment.name, trial.index + 1,
            trial.name, settings.steps, settings.start_lr, settings.end_lr);

  LrFindOutcome outcome;
  std::optional<storage::Store> store;
  std::unique_ptr<RunRecorder> recorder;
  if (options.record) {
    storage::NewRun run = describe_run(experiment, trial, plugins);
    run.kind = storage::RunKind::LrFind;
    run.params.push_back(real_param("lr_find.start_lr", settings.start_lr));
    run.params.push_back(real_param("lr_find.end_lr", settings.end_lr));
    run.params.push_back(storage::ParamRow{"lr_find.steps", settings.steps});
    run.params.push_back(real_param("lr_find.divergence", settings.divergence));
    store = storage::Store::open(options.store_path);
    outcome.run_id = store->begin_run(run);
    recorder = std::make_unique<RunRecorder>(*store, *outcome.run_id);
    // Where run:NAME weights came from, as `graft run` records it.
    for (const auto& reference : references) {
      recorder->add_artifact(storage::ArtifactRow{reference.param, reference.checkpoint.string(),
                                                  sha256_file(reference.checkpoint),
                                                  static_cast<std::int64_t>(std::filesystem::file_size(reference.checkpoint))});
    }
    log::info("{}: run {} started (kind lr_find)", experiment.name, *outcome.run_id);
  }

  outcome.curve = range_test(plugins, train, resolved.seed, settings, recorder.get(), options.show_progress);
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
