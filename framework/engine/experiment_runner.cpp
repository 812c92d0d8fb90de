#include "experiment_runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "engine_schema.hpp"
#include "graft/errors.hpp"
#include "graft/log.hpp"
#include "training_state.hpp"
#include "graft/storage/store.hpp"
#include "interrupt.hpp"
#include "lr_schedule.hpp"
#include "graft/hash.hpp"
#include "run_recorder.hpp"
#include "run_reference.hpp"
#include "trainer.hpp"
#include "trial_setup.hpp"

namespace graft::engine {
namespace {

// Store params keep numbers numeric (SQL compares them); lists are kept as their TOML text.
storage::Value to_store_value(const ParamValue& value) {
  if (const auto* flag = std::get_if<bool>(&value)) return std::int64_t{*flag ? 1 : 0};
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return to_toml(value);
}

}  // namespace

storage::NewRun describe_run(const experiment::Experiment& experiment, const experiment::Trial& trial,
                             const TrialPlugins& plugins) {
  storage::NewRun run;
  run.experiment = experiment.name;
  run.description = experiment.description;
  run.trial = trial.name;
  run.config_toml = trial.config_toml;
  run.config_hash = trial.config_hash;
  run.seed = static_cast<std::int64_t>(trial.seed);
  for (const auto& [key, value] : trial.flat) run.params.push_back(storage::ParamRow{key, to_store_value(value)});
  // The class names in label order, for `graft predict --run` (the dataset may be gone by then).
  run.params.push_back(storage::ParamRow{"task.classes", to_toml(ParamValue(plugins.task.class_names))});
  run.plugins = plugins.records;
  run.host = storage::this_host();
  run.pid = static_cast<std::int64_t>(getpid());
  return run;
}

namespace {

// What cached backbone features depend on besides the split, the preprocessing and the backbone
// weights (which the cache adds): the model and dataset plugins as built (library hashes), their
// params, and the seed (a dataset draws its subsets and validation split from it).
// `model` is the table of the model whose features they are: "model", or "teacher".
std::string feature_identity(const experiment::Trial& trial, const TrialPlugins& plugins, const std::string& model) {
  std::string identity;
  for (const auto& plugin : plugins.records) {
    if (plugin.kind == model || plugin.kind == "dataset") {
      identity += fmt::format("{} {} {} {}\n", plugin.kind, plugin.name, plugin.version, plugin.sha256);
    }
  }
  for (const auto& [key, value] : trial.flat) {
    if (key.rfind(model + ".", 0) == 0 || key.rfind("dataset.", 0) == 0) identity += key + " = " + to_toml(value) + "\n";
  }
  return identity + fmt::format("seed = {}\n", trial.seed);
}

// Provenance of a `run:NAME` param: which file it resolved to, and its hash.
storage::ArtifactRow referenced_checkpoint(const ResolvedReference& reference) {
  return storage::ArtifactRow{reference.param, reference.checkpoint.string(), sha256_file(reference.checkpoint),
                              static_cast<std::int64_t>(std::filesystem::file_size(reference.checkpoint))};
}

std::string summary_line(const std::map<std::string, double>& summary) {
  std::string text;
  for (const char* key : {"best.epoch", "best.val.accuracy", "best.test.accuracy", "best.test.macro_f1"}) {
    if (auto it = summary.find(key); it != summary.end()) text += fmt::format(" {} {:.4g}", key, it->second);
  }
  return text;
}

}  // namespace

std::filesystem::path runs_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-runs");
}

std::filesystem::path cache_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-cache");
}

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
TrainOutcome train_run(storage::Store& store, std::int64_t run_id, const experiment::Trial& resolved,
                       TrialPlugins& plugins, const std::vector<ResolvedReference>& references,
                       const RunOptions& options, bool resume, const std::string& label) {
  TrainerOptions trainer_options;
  trainer_options.train = resolved.tables.at("train");
  trainer_options.schedule = resolved.plugins.at("scheduler").params;
  trainer_options.seed = resolved.seed;
  // Absolute, so the artifacts recorded in the store stay valid from any working folder.
  trainer_options.run_dir = run_folder(options.store_path, run_id);
  trainer_options.cache_dir = std::filesystem::absolute(cache_folder(options.store_path));
  trainer_options.feature_identity = feature_identity(resolved, plugins, "model");
  trainer_options.teacher_identity = feature_identity(resolved, plugins, "teacher");
  trainer_options.display_name = fmt::format("run {}", run_id);
  trainer_options.show_progress = options.show_progress;
  trainer_options.resume = resume;

  TrainOutcome outcome;
  {
    RunRecorder recorder(store, run_id);
    for (const auto& reference : references) recorder.add_artifact(referenced_checkpoint(reference));
    outcome = train_trial(plugins, trainer_options, recorder);
  }
  store.finish_run(run_id, outcome.status, outcome.error);
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

std::optional<storage::Store> open_for_writing(const std::filesystem::path& store_path) {
  std::optional<storage::Store> store = storage::Store::open(store_path);
  for (const auto id : store->recover_stale_runs()) {
    log::warn("run {} was still recorded as running, but its process is gone: recorded as interrupted", id);
  }
  return store;
}

}  // namespace

std::filesystem::path run_folder(const std::filesystem::path& store_path, std::int64_t run_id) {
  return std::filesystem::absolute(runs_folder(store_path)) / std::to_string(run_id);
}

RunReport run_experiment(const experiment::Experiment& experiment, const host::Registry& registry,
                         const RunOptions& options) {
  install_interrupt_handler();
  RunReport report;
  if (!options.rerun) report.skipped = completed_trials(experiment, options.store_path, options.trials);
  std::optional<storage::Store> store;
  for (const auto& trial : experiment.trials) {
    if (interrupt_requested()) break;
    if (!selected(options.trials, trial) || skipped(report.skipped, trial)) continue;
    const std::string label = fmt::format("{} [{}/{}] {}", experiment.name, trial.index + 1, experiment.trials.size(),
                                          trial.name);
    log::info("{}: preparing", label);
    experiment::Trial resolved = trial;
    const auto references = resolve_run_references(resolved, options.store_path,
                                                   std::filesystem::path(experiment.file).parent_path());
    TrialPlugins plugins = setup_trial(resolved, registry, cache_folder(options.store_path), options.default_threads);
    check_trial(plugins, trial.tables.at("train"));
    check_warmup_keys(trial.plugins.at("scheduler").params);

    if (!store) store = open_for_writing(options.store_path);
    const std::int64_t run_id = store->begin_run(describe_run(experiment, trial, plugins));
    report.run_ids.push_back(run_id);
    log::info("{}: run {} started", label, run_id);
    count(report, train_run(*store, run_id, resolved, plugins, references, options, /*resume=*/false, label).status);
  }
  return report;
}

storage::RunStatus resume_run(std::int64_t run_id, const host::Registry& registry, const RunOptions& options) {
  install_interrupt_handler();
  if (!std::filesystem::exists(options.store_path)) {
    throw InputError(fmt::format("no store at {} (--db?)", options.store_path.string()));
  }
  auto store = open_for_writing(options.store_path);
  const auto run = store->get_run(run_id);
  if (!run) throw InputError(fmt::format("no run {} in {}", run_id, options.store_path.string()));
  const auto status = run->summary.status;
  if (status == storage::RunStatus::Completed || status == storage::RunStatus::Running) {
    throw InputError(fmt::format("run {} is {}: only an interrupted or failed run can be resumed", run_id,
                                 storage::status_name(status)));
  }
  const auto state_file = training_state_path(run_folder(options.store_path, run_id));
  if (!std::filesystem::exists(state_file)) {
    throw InputError(fmt::format("run {} has no training state ({}): it stopped before finishing an epoch, or an "
                                 "older graft made it; run its trial again with `graft run`",
                                 run_id, state_file.string()));
  }
  // The trial exactly as the run recorded it: its canonical config resolves to one trial.
  const auto file = experiment::ExperimentFile::parse(run->config_toml, fmt::format("run {} config", run_id));
  const auto experiment = experiment::resolve(file, make_catalog(registry));
  experiment::Trial trial = experiment.trials.at(0);
  const std::string label = fmt::format("{} {}", run->summary.experiment, run->summary.trial);
  const auto references = resolve_run_references(trial, options.store_path, {});
  TrialPlugins plugins = setup_trial(trial, registry, cache_folder(options.store_path), options.default_threads);
  check_trial(plugins, trial.tables.at("train"));

  store->reopen_run(run_id, training_state_step(state_file), storage::this_host(), static_cast<std::int64_t>(getpid()));
  log::info("{}: run {} resumed", label, run_id);
  return train_run(*store, run_id, trial, plugins, references, options, /*resume=*/true, label).status;
}

}  // namespace graft::engine
