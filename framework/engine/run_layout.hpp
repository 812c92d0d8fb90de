#pragma once
// Where a store keeps what is not rows, beside its file: <dir>/<stem>-runs/<run id>/ holds each
// run's checkpoints and training state, <dir>/<stem>-cache/ the cached features runs share.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace graft::engine {

std::filesystem::path runs_folder(const std::filesystem::path& store_path);
std::filesystem::path cache_folder(const std::filesystem::path& store_path);
// <store stem>-runs/<id>, absolute: the artifacts recorded in the store stay valid from any folder.
std::filesystem::path run_folder(const std::filesystem::path& store_path, std::int64_t run_id);

// The files of one run's folder.
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
