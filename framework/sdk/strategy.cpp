#include "graft/strategy.hpp"

#include <torch/nn/functional/loss.h>

namespace graft {

Strategy::~Strategy() = default;

void Strategy::on_epoch_start(Model&, int, int) {}

at::Tensor Strategy::loss(Model&, const Batch& batch, const at::Tensor& logits) {
  return torch::nn::functional::cross_entropy(logits, batch.labels);
}

}  // namespace graft
