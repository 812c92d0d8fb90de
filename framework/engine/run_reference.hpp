#pragma once
// `run:NAME` as the value of a plugin's string param (a model's `pretrained`, a teacher): the best
// checkpoint of the best completed run of experiment NAME in the store. "Best" is by each run's
// own monitored metric (best.<train.monitor>; lower is better for losses), ties to the latest.
// Resolved before a trial's plugins are created, so a missing run is bad input (exit 2) with
// nothing written, and the message names the experiment file to run when one declares NAME.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "experiment/experiment.hpp"
#include "graft/storage/store.hpp"

namespace graft::engine {

struct ResolvedReference {
  std::string param;            // "model.pretrained"
  std::string reference;        // "run:fashion-mnist-pretrain"
  std::int64_t run_id = 0;
  std::filesystem::path checkpoint;
};

bool is_run_reference(const std::string& value);

// Replaces every run reference in the trial's plugin params by the checkpoint path. `search_dir`
// is where to look for the experiment file that declares a missing experiment (for the hint).
std::vector<ResolvedReference> resolve_run_references(experiment::Trial& trial, const std::filesystem::path& store_path,
                                                      const std::filesystem::path& search_dir);

}  // namespace graft::engine
