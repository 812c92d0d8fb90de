#pragma once
// One optimizer step of a training loop: the LR set and the gradients reset, the backward pass
// of each batch that contributes (each loss divided by the batches of the step, so the step
// follows their mean loss), then the gradients synchronised (TrainingHooks), clipped and applied.
// The trainer and the LR finder step through this one sequence.
#include <cstddef>

#include <ATen/core/Tensor.h>

#include "engine/optimizer.hpp"
#include "engine/training_hooks.hpp"

namespace graft::engine {

class OptimizerStep {
 public:
  // `clip_norm`: the global gradient norm to clip to; 0 = off.
  OptimizerStep(ScaledOptimizer& optimizer, double clip_norm, const TrainingHooks& hooks);

  // Before the step's first batch: every group at `lr` x its scale, gradients to none.
  void begin(double lr);
  // One batch's loss, of `batches_in_step` that make up the step; `last_of_step`: no batch of the
  // step comes after this one (its backward pass completes the step's gradients).
  void backward(const at::Tensor& loss, std::size_t batches_in_step, bool last_of_step);
  // After the step's last batch, `contributed` of which this process back-propagated: false (and
  // the weights as they were) when no batch of the step contributed on any process.
  bool apply(std::int64_t contributed);

 private:
  ScaledOptimizer& optimizer_;
  double clip_norm_;
  const TrainingHooks& hooks_;
};

}  // namespace graft::engine
