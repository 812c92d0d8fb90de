#pragma once
// The checkpoints a training run writes into its folder: the model's "best" (the epoch the
// monitored metric chose) and "last", and the further tasks' heads beside each in a multi-task
// run (a model checkpoint stays a plain `pretrained` checkpoint). Recorded as artifacts at the end.
#include <string>

#include <torch/nn/module.h>

#include "engine/run_layout.hpp"
#include "engine/run_recorder.hpp"

namespace graft::engine {

class RunCheckpoints {
 public:
  // `task_heads`: the heads of the further tasks, or null.
  RunCheckpoints(RunLayout layout, torch::nn::Module& model, torch::nn::Module* task_heads);

  void save(const std::string& name);
  // Loads checkpoint `name` back into the model (and heads); false when it was never written.
  bool load(const std::string& name);
  // Records every checkpoint file that exists as an artifact of the run.
  void record(RunRecorder& recorder) const;

  const RunLayout& layout() const { return layout_; }

 private:
  RunLayout layout_;
  torch::nn::Module& model_;
  torch::nn::Module* task_heads_;
};

}  // namespace graft::engine
