#pragma once
// The checkpoints a training run writes into its folder: the model's "best" (the epoch the
// monitored metric chose) and, as [train] checkpoints asks, "last" and "epoch-N" (N counted from
// 1); the further tasks' heads beside each in a multi-task run (a model checkpoint stays a plain
// `pretrained` checkpoint). Recorded as artifacts at the end.
//
// While the strategy keeps the backbone frozen it is the same in every checkpoint, so it is
// written once, as backbone.safetensors, and each checkpoint holds the other tensors and names it
// (graft/safetensors.hpp: load_safetensors reads both, so `pretrained`, `graft predict` and
// `graft resume` read such a checkpoint as any other). A ResNet-18 head-only run keeps one
// 45 MB backbone and kilobytes per checkpoint instead of 45 MB per checkpoint.
#include <cstdint>
#include <optional>
#include <string>

#include <torch/nn/module.h>

#include "engine/run_layout.hpp"
#include "engine/run_recorder.hpp"
#include "engine/train_settings.hpp"
#include "graft/model.hpp"

namespace graft::engine {

class RunCheckpoints {
 public:
  // `task_heads`: the heads of the further tasks, or null.
  RunCheckpoints(RunLayout layout, Model& model, torch::nn::Module* task_heads, CheckpointPolicy policy);

  // After epoch `epoch` (0-based): "best" when the monitored metric `improved`, then what the
  // policy keeps besides. `backbone_trained`: whether the epoch's steps changed the backbone.
  void save_epoch(std::int64_t epoch, bool improved, bool backbone_trained);
  // Loads checkpoint `name` back into the model (and heads); false when it was never written.
  bool load(const std::string& name);
  // Records every checkpoint file that exists as an artifact of the run; removes the shared
  // backbone if no checkpoint names it any more.
  void record(RunRecorder& recorder);

  const RunLayout& layout() const { return layout_; }

 private:
  // The id of backbone.safetensors the checkpoints of this epoch can name, writing it first if
  // needed; nothing when the backbone changed since it was written, or is not frozen.
  std::optional<std::string> shared_backbone(bool backbone_trained);
  void save(const std::string& name, const std::optional<std::string>& backbone_id);

  RunLayout layout_;
  Model& model_;
  torch::nn::Module* task_heads_;
  CheckpointPolicy policy_;
  std::optional<std::string> backbone_id_;  // of the backbone file in the folder, once there is one
};

}  // namespace graft::engine
