#pragma once
// The heads of a multi-task run's further tasks ([tasks.NAME]): one linear layer per task on the
// model's features, the hard parameter sharing of multi-task learning. The main task keeps the
// model's own head, so the model's checkpoints stay usable as they are (`graft predict`,
// `pretrained = "run:NAME"`); these heads live in checkpoints of their own.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "engine/trial_setup.hpp"

namespace torch::nn {
class LinearImpl;
}

namespace graft::engine {

class TaskHeads {
 public:
  // Probes the width of the model's features on one training example of the main task and
  // creates a head per auxiliary task: LibTorch's default initialisation, drawn from `seed` with
  // LibTorch's generator put back afterwards, so that adding a task leaves every other random
  // draw of the run (dropout) as it was.
  TaskHeads(Model& model, const Dataset& main, const std::vector<AuxiliaryTask>& tasks, std::uint64_t seed);

  // Logits of auxiliary task `task` (1-based: 0 is the main task, whose head is the model's).
  at::Tensor logits(std::size_t task, const at::Tensor& features);

  torch::nn::Module& module() { return *root_; }
  std::vector<at::Tensor> parameters() const { return root_->parameters(); }
  bool empty() const { return heads_.empty(); }

 private:
  std::shared_ptr<torch::nn::Module> root_;
  std::vector<std::shared_ptr<torch::nn::LinearImpl>> heads_;  // by task - 1
};

}  // namespace graft::engine
