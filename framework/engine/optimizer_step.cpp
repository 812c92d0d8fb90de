#include "engine/optimizer_step.hpp"

#include <torch/nn/utils/clip_grad.h>

namespace graft::engine {

OptimizerStep::OptimizerStep(ScaledOptimizer& optimizer, double clip_norm, const TrainingHooks& hooks)
    : optimizer_(optimizer), clip_norm_(clip_norm), hooks_(hooks) {}

void OptimizerStep::begin(double lr) {
  optimizer_.set_lr(lr);
  optimizer_.zero_grad();
}

void OptimizerStep::backward(const at::Tensor& loss, std::size_t batches_in_step, bool last_of_step) {
  if (last_of_step && hooks_.start_gradient_sync) hooks_.start_gradient_sync(optimizer_.parameters());
  (batches_in_step > 1 ? loss / static_cast<double>(batches_in_step) : loss).backward();
}

bool OptimizerStep::apply(std::int64_t contributed) {
  if (hooks_.synchronize_gradients) contributed = hooks_.synchronize_gradients(optimizer_.parameters(), contributed);
  if (contributed == 0) return false;
  if (clip_norm_ > 0) torch::nn::utils::clip_grad_norm_(optimizer_.parameters(), clip_norm_);
  optimizer_.step();
  return true;
}

}  // namespace graft::engine
