#pragma once
// One trial made ready to train, the same way for `graft run`, `graft resume`, `graft lr-find` and
// `graft lr-curve`: `run:NAME` references resolved from the store, [train] read into its settings,
// the plugins created (dataset loaded, model built, tasks and teacher checked), and every check
// that needs them made, once. Nothing is written before it returns, so whatever it refuses
// (InputError) is bad input with exit status 2 and no row in the store.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/device_policy.hpp"
#include "engine/run_reference.hpp"
#include "engine/train_settings.hpp"
#include "engine/trial_setup.hpp"
#include "experiment/experiment.hpp"

namespace graft::host {
class Registry;
}

namespace graft::engine {

struct PreparationOptions {
  std::filesystem::path store_path;  // where run:NAME references are looked up
  std::filesystem::path search_dir;  // where to look for the file declaring a missing NAME (for the hint)
  std::filesystem::path cache_dir;   // the plugins' cache folder (PluginContext); empty: none
  int default_threads = 0;           // LibTorch threads when [train] threads is 0; 0: every core

  // As a training command prepares: references from the store, plugin caches beside it.
  static PreparationOptions beside_store(const std::filesystem::path& store_path,
                                         const std::filesystem::path& search_dir, int default_threads);
};

struct PreparedTrial {
  experiment::Trial declared;  // as the experiment declares it: what the store records
  experiment::Trial resolved;  // run:NAME values replaced by checkpoint paths
  std::vector<ResolvedReference> references;
  TrainSettings settings;
  Params schedule;  // the resolved [scheduler] table (the engine's warmup keys)
  DevicePolicy device;
  TrialPlugins plugins;
  // What cached backbone features of the model and of the [teacher] depend on besides the split,
  // the preprocessing and the weights (the cache adds those): plugins as built, params, seed.
  std::string model_identity;
  std::string teacher_identity;
};

PreparedTrial prepare_trial(const experiment::Trial& trial, const host::Registry& registry,
                            const PreparationOptions& options);

}  // namespace graft::engine
