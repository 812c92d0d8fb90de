#pragma once
// The engine's optimizers (SGD, Adam, AdamW from [train]) over a strategy's parameter groups,
// each group keeping its LR scale relative to the schedule.
#include <memory>
#include <vector>

#include <torch/optim/optimizer.h>

#include "graft/params.hpp"
#include "graft/strategy.hpp"

namespace graft::engine {

class ScaledOptimizer {
 public:
  // `train` is the resolved [train] table; groups with no parameters are dropped.
  ScaledOptimizer(const Params& train, const std::vector<OptimizerGroup>& groups);

  void set_lr(double lr);  // each group gets lr x its scale
  void zero_grad();  // to "none": a parameter without a gradient is skipped by the next step
  void step();
  torch::optim::Optimizer& optimizer() { return *optimizer_; }
  // Every parameter the optimizer holds (for gradient clipping).
  const std::vector<at::Tensor>& parameters() const { return parameters_; }

 private:
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::vector<double> scales_;
  std::vector<at::Tensor> parameters_;
};

}  // namespace graft::engine
