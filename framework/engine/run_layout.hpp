#pragma once
// The files of one run's folder. Where the folder is (beside the store, <stem>-runs/<run id>/) is
// the store's to say: graft/storage/location.hpp, which `graft rm` and `graft gc` share.
#include <filesystem>
#include <string>
#include <vector>

namespace graft::engine {

struct RunLayout {
  std::filesystem::path folder;

  // The model's checkpoint "best" or "last" (best.safetensors).
  std::filesystem::path model_checkpoint(const std::string& name) const;
  // The further tasks' heads saved beside it (task_heads.best.safetensors).
  std::filesystem::path task_heads_checkpoint(const std::string& name) const;
  // The model checkpoints in the folder: "best", "last", then "epoch-N" by N.
  std::vector<std::string> model_checkpoint_names() const;
  // A frozen backbone, written once and named by the checkpoints (run_checkpoints.hpp).
  std::filesystem::path shared_backbone() const { return folder / "backbone.safetensors"; }
  // "state.pt": what `graft resume` goes on from (training_state.hpp).
  std::filesystem::path training_state() const { return folder / "state.pt"; }
};

}  // namespace graft::engine
