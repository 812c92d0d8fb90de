#include "engine/experiment_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "distributed/process_group.hpp"
#include "engine/data_parallel.hpp"
#include "engine/engine_schema.hpp"
#include "engine/interrupt.hpp"
#include "engine/run_description.hpp"
#include "engine/run_layout.hpp"
#include "engine/run_recorder.hpp"
#include "engine/trainer.hpp"
#include "engine/training_state.hpp"
#include "engine/trial_preparation.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "graft/params.hpp"
#include "graft/storage/epoch_numbers.hpp"
#include "graft/storage/location.hpp"
#include "graft/storage/store.hpp"

namespace graft::engine {
namespace {

std::string summary_line(const std::map<std::string, double>& summary) {
  std::string text;
  for (const char* key : {"best.epoch", "best.val.accuracy", "best.test.accuracy", "best.test.macro_f1"}) {
    if (auto it = summary.find(key); it != summary.end()) text += fmt::format(" {} {:.4g}", key, storage::metric_for_people(key, it->second));
  }
  return text;
}

}  // namespace

namespace {

bool selected(const std::optional<std::vector<int>>& selection, const experiment::Trial& trial) {
  return !selection || std::find(selection->begin(), selection->end(), trial.index) != selection->end();
}

bool skipped(const std::vector<SkippedTrial>& skipped, const experiment::Trial& trial) {
  return std::any_of(skipped.begin(), skipped.end(), [&](const SkippedTrial& s) { return s.index == trial.index; });
}

}  // namespace

std::vector<SkippedTrial> completed_trials(const experiment::Experiment& experiment,
                                           const std::filesystem::path& store_path,
                                           const std::optional<std::vector<int>>& selection) {
  // No store yet means nothing was run; looking must not create it (bad input found later would
  // leave an empty file behind). An existing one is opened for writing, which migrates an older
  // schema as the run would anyway.
  std::vector<SkippedTrial> done;
  std::error_code ignored;
  if (!std::filesystem::exists(store_path, ignored)) return done;
  const auto store = storage::Store::open(store_path);
  for (const auto& trial : experiment.trials) {
    if (!selected(selection, trial)) continue;
    const auto run = store.completed_run(experiment.name, trial.config_hash, static_cast<std::int64_t>(trial.seed));
    if (!run) continue;
    log::info("{}: skipping trial {} {} (run {} already completed it; --rerun to run it again)", experiment.name,
              trial.index + 1, trial.name, *run);
    done.push_back({trial.index, *run});
  }
  return done;
}

namespace {

void count(RunReport& report, storage::RunStatus status) {
  switch (status) {
    case storage::RunStatus::Completed: ++report.completed; break;
    case storage::RunStatus::Interrupted: ++report.interrupted; break;
    default: ++report.failed;
  }
}

// Trains a trial whose run row exists (new, or reopened by resume) and records how it ended.
// `store`: null on a data-parallel rank other than 0, which records nothing.
TrainOutcome train_run(storage::Store* store, std::int64_t run_id, PreparedTrial& prepared, const RunOptions& options,
                       bool resume, const std::string& label, DataParallelTrial* parallel) {
  TrainerOptions trainer_options;
  trainer_options.layout = RunLayout{storage::run_folder(options.store_path, run_id)};
  // Absolute, so the artifacts recorded in the store stay valid from any working folder. Only
  // the rank that writes results caches features on disk: the others keep theirs in memory.
  if (store) trainer_options.cache_dir = std::filesystem::absolute(storage::cache_folder(options.store_path));
  trainer_options.display_name = fmt::format("run {}", run_id);
  trainer_options.show_progress = options.show_progress && store != nullptr;
  trainer_options.resume = resume;
  if (parallel) trainer_options.hooks = parallel->hooks();

  TrainOutcome outcome;
  {
    RunRecorder recorder = store ? RunRecorder(*store, run_id) : RunRecorder(run_id);
    record_references(recorder, prepared);
    outcome = train_trial(prepared, trainer_options, recorder);
    if (parallel) {
      const auto& sent = parallel->communication();
      log::info("{}: gradients of {} step(s) averaged, {:.1f} MB sent in {} bucket all-reduce(s) ({} started during "
                "the backward pass), {:.2f} s waiting for them after it on this rank",
                label, sent.steps, static_cast<double>(sent.bytes) / 1e6, sent.buckets, sent.overlapped_buckets,
                sent.seconds);
    }
  }
  if (!store) return outcome;
  store->finish_run(run_id, outcome.status, outcome.error);
  switch (outcome.status) {
    case storage::RunStatus::Completed:
      log::info("{}: run {} completed:{}", label, run_id, summary_line(outcome.summary));
      break;
    case storage::RunStatus::Interrupted:
      log::warn("{}: run {} interrupted", label, run_id);
      break;
    default:
      log::error("{}: run {} failed: {}", label, run_id, outcome.error);
  }
  return outcome;
}

// The trial's process group when this process is one rank of several.
std::unique_ptr<DataParallelTrial> data_parallel(const RunOptions& options, const std::string& name,
                                                 PreparedTrial& prepared, const std::string& config_hash) {
  if (!options.rendezvous) return nullptr;
  return std::make_unique<DataParallelTrial>(*options.rendezvous, name, prepared.settings,
                                             prepared.device.device.is_cuda(), config_hash,
                                             prepared.plugins.model->module());
}

bool writes_results(const std::unique_ptr<DataParallelTrial>& parallel) {
  return !parallel || parallel->rank() == 0;
}

storage::Store open_for_writing(const std::filesystem::path& store_path) {
  storage::Store store = storage::Store::open(store_path);
  for (const auto id : store.recover_stale_runs()) {
    log::warn("run {} was still recorded as running, but its process is gone: recorded as interrupted", id);
  }
  return store;
}

std::string trial_label(const experiment::Experiment& experiment, const experiment::Trial& trial) {
  return fmt::format("{} [{}/{}] {}", experiment.name, trial.index + 1, experiment.trials.size(), trial.name);
}

int world_size(const RunOptions& options) { return options.rendezvous ? options.rendezvous->world().size : 1; }

PreparedTrial prepared_for_store(const experiment::Experiment& experiment, const experiment::Trial& trial,
                                 const host::Registry& registry, const RunOptions& options) {
  auto prepared = prepare_trial(trial, registry,
                                PreparationOptions::beside_store(options.store_path,
                                                                 std::filesystem::path(experiment.file).parent_path(),
                                                                 options.default_threads));
  check_batch_split(prepared.settings.batch_size, world_size(options));
  return prepared;
}

// The run's description, with the job's size and backend when several ranks train it.
storage::NewRun described(const experiment::Experiment& experiment, const PreparedTrial& prepared,
                          const std::unique_ptr<DataParallelTrial>& parallel) {
  auto run = describe_run(experiment, prepared);
  if (parallel) {
    run.params.push_back(storage::ParamRow{"distributed.world_size", storage::Value(std::int64_t{parallel->size()})});
    run.params.push_back(storage::ParamRow{"distributed.backend", storage::Value(parallel->backend())});
  }
  return run;
}

// The resolved config without the seed: trials equal in it are prepared once by prepare_trials.
std::string unseeded_config(const experiment::Trial& trial) {
  std::string text;
  for (const auto& [key, value] : trial.flat)
    if (key != "experiment.seed") text += key + " = " + to_toml(value) + "\n";
  return text;
}

// Plugins log what they load; while every trial is checked, only warnings and errors show.
class QuietInfo {
 public:
  QuietInfo() : previous_(log::level()) {
    if (previous_ < log::Level::Warning) log::set_level(log::Level::Warning);
  }
  ~QuietInfo() { log::set_level(previous_); }
  QuietInfo(const QuietInfo&) = delete;
  QuietInfo& operator=(const QuietInfo&) = delete;

 private:
  log::Level previous_;
};

}  // namespace

void prepare_trials(const experiment::Experiment& experiment, const host::Registry& registry, const RunOptions& options,
                    const std::vector<SkippedTrial>& skipped_trials) {
  std::vector<const experiment::Trial*> pending;
  std::set<std::string> configs;
  for (const auto& trial : experiment.trials)
    if (selected(options.trials, trial) && !skipped(skipped_trials, trial) && configs.insert(unseeded_config(trial)).second)
      pending.push_back(&trial);
  log::info("{}: checking {} trial config(s) before the first trains", experiment.name, pending.size());
  const QuietInfo quiet;
  for (const auto* trial : pending) {
    try {
      prepared_for_store(experiment, *trial, registry, options);
    } catch (const InputError& error) {
      throw InputError(fmt::format("{}: {}", trial_label(experiment, *trial), error.what()));
    }
  }
}

RunReport run_experiment(const experiment::Experiment& experiment, const host::Registry& registry,
                         const RunOptions& options) {
  install_interrupt_handler();
  RunReport report;
  if (!options.rerun) report.skipped = completed_trials(experiment, options.store_path, options.trials);
  const auto to_run = std::count_if(experiment.trials.begin(), experiment.trials.end(), [&](const auto& trial) {
    return selected(options.trials, trial) && !skipped(report.skipped, trial);
  });
  // One trial: its own preparation, before its run is written, is the check.
  if (options.prepare_first && to_run > 1) prepare_trials(experiment, registry, options, report.skipped);
  std::optional<storage::Store> store;
  for (const auto& trial : experiment.trials) {
    if (interrupt_requested()) break;
    if (!selected(options.trials, trial) || skipped(report.skipped, trial)) continue;
    const std::string label = trial_label(experiment, trial);
    log::info("{}: preparing", label);
    std::optional<PreparedTrial> ready;
    try {
      ready.emplace(prepared_for_store(experiment, trial, registry, options));
    } catch (const InputError& error) {
      // Checked before the first trial trained: what changed since is this trial's failure alone.
      if (report.run_ids.empty()) throw;
      log::error("{}: could not start: {}", label, error.what());
      ++report.failed;
      continue;
    }
    PreparedTrial& prepared = *ready;

    // Every rank forms the trial's group (and compares configs) before rank 0 writes its row.
    auto parallel = data_parallel(options, fmt::format("trial-{}", trial.index), prepared, trial.config_hash);
    const bool writes = writes_results(parallel);
    if (writes && !store) store = open_for_writing(options.store_path);
    std::int64_t run_id = writes ? store->begin_run(described(experiment, prepared, parallel)) : 0;
    if (parallel) run_id = parallel->from_primary(run_id);
    report.run_ids.push_back(run_id);
    log::info("{}: run {} started", label, run_id);
    const auto outcome = train_run(writes ? &*store : nullptr, run_id, prepared, options, /*resume=*/false, label,
                                   parallel.get());
    count(report, outcome.status);
  }
  return report;
}

storage::RunStatus resume_run(std::int64_t run_id, const host::Registry& registry, const RunOptions& options) {
  install_interrupt_handler();
  if (!std::filesystem::exists(options.store_path)) {
    throw InputError(fmt::format("no store at {} (--db?)", options.store_path.string()));
  }
  // Rank 0 alone writes; the other ranks of a data-parallel resume only read the run.
  const bool primary = !options.rendezvous || options.rendezvous->world().primary();
  auto store = primary ? open_for_writing(options.store_path)
                       : storage::Store::open(options.store_path, storage::Store::Access::ReadOnly);
  const auto run = store.get_run(run_id);
  if (!run) throw InputError(fmt::format("no run {} in {}", run_id, options.store_path.string()));
  const auto status = run->summary.status;
  if (status == storage::RunStatus::Completed || status == storage::RunStatus::Running) {
    throw InputError(fmt::format("run {} is {}: only an interrupted or failed run can be resumed", run_id,
                                 storage::status_name(status)));
  }
  const auto state_file = RunLayout{storage::run_folder(options.store_path, run_id)}.training_state();
  if (!std::filesystem::exists(state_file)) {
    throw InputError(fmt::format("run {} has no training state ({}): it stopped before finishing an epoch, or an "
                                 "older graft made it; run its trial again with `graft run`",
                                 run_id, state_file.string()));
  }
  // The trial exactly as the run recorded it: its canonical config resolves to one trial.
  const auto file = experiment::ExperimentFile::parse(run->config_toml, fmt::format("run {} config", run_id));
  const auto experiment = experiment::resolve(file, make_catalog(registry));
  const std::string label = fmt::format("{} {}", run->summary.experiment, run->summary.trial);
  PreparedTrial prepared = prepare_trial(experiment.trials.at(0), registry,
                                         PreparationOptions::beside_store(options.store_path, {}, options.default_threads));

  check_batch_split(prepared.settings.batch_size, world_size(options));
  // The same or another number of ranks goes on from the state rank 0 wrote (docs/distributed.md).
  auto parallel = data_parallel(options, fmt::format("resume-{}", run_id), prepared, run->config_hash);
  const bool writes = writes_results(parallel);
  if (writes) {
    store.reopen_run(run_id, training_state_step(state_file), storage::this_host(), static_cast<std::int64_t>(getpid()));
    log::info("{}: run {} resumed", label, run_id);
  }
  return train_run(writes ? &store : nullptr, run_id, prepared, options, /*resume=*/true, label,
                   parallel.get())
      .status;
}

}  // namespace graft::engine
