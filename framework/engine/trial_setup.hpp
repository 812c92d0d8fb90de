#pragma once
// Turns one resolved trial into live plugins: dataset loaded, model built for its classes,
// strategy and scheduler created, further tasks and teacher checked. A step of prepare_trial
// (trial_preparation.hpp), which runs before anything is written to the store, so a bad path or
// a bad checkpoint is reported as bad input with nothing recorded.
#include <memory>
#include <vector>

#include "engine/train_settings.hpp"
#include "experiment/experiment.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"
#include "graft/scheduler.hpp"
#include "graft/strategy.hpp"
#include "graft/storage/store.hpp"

namespace graft::host {
class Registry;
}

namespace graft::engine {

// A further task of a multi-task experiment, from a [tasks.NAME] table: its own dataset and
// head, the model's backbone (task_heads.hpp).
struct AuxiliaryTask {
  std::string name;
  double weight = 1.0;
  std::shared_ptr<Dataset> dataset;
  TaskSpec task;
};

struct TrialPlugins {
  std::shared_ptr<Dataset> dataset;
  std::shared_ptr<Model> model;
  std::shared_ptr<Strategy> strategy;
  std::shared_ptr<Scheduler> scheduler;
  // From an optional [teacher] table: a trained model, frozen, whose logits for each training
  // example reach the strategy as Batch::extra["teacher_logits"] (teacher_logits.hpp).
  std::shared_ptr<Model> teacher;
  TaskSpec task;
  std::vector<AuxiliaryTask> tasks;  // [tasks.NAME] in name order; the strategy has accepted them
  std::vector<storage::PluginRow> records;  // name, version, file and sha256 of each
};

// Threads for LibTorch: [train] threads; when that is 0, `default_threads`, and when that is 0
// too, every core of the machine. (`graft run --jobs N` gives each worker its share of cores.)
int resolve_threads(const TrainSettings& settings, int default_threads = 0);

// Seeds LibTorch (before the model initialises its weights), sets threads, creates the plugins.
TrialPlugins setup_trial(const experiment::Trial& trial, const host::Registry& registry, const TrainSettings& settings,
                         const std::filesystem::path& cache_dir, int default_threads = 0);

// Every task as the strategy sees it: the main task ([dataset]) first, then `plugins.tasks`.
std::vector<TaskInfo> task_infos(const TrialPlugins& plugins, const TrainSettings& settings);

}  // namespace graft::engine
