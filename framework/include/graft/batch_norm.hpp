#pragma once
// BatchNorm2d whose batch statistics may span every rank of a data-parallel trial ([train]
// sync_batchnorm, docs/distributed.md). Alone, or with sync_batchnorm off, it is LibTorch's
// BatchNorm2d: same options, parameters, buffers and state-dict names. Model plugins that want
// their BatchNorm synchronised build it from graft::BatchNorm2d instead of torch::nn's.
#include <cstdint>
#include <functional>
#include <ostream>

#include <torch/nn/cloneable.h>
#include <torch/nn/options/batchnorm.h>
#include <torch/nn/pimpl.h>

#include "graft/export.hpp"

namespace graft {

// Sums a tensor element-wise over the ranks, returning the sum (the engine sets it for a trial
// with sync_batchnorm over several ranks, and clears it after).
using RankSum = std::function<at::Tensor(const at::Tensor&)>;
GRAFT_SDK_API void set_batch_statistics_sum(RankSum sum);
GRAFT_SDK_API bool batch_statistics_synchronised();

// Not a subclass of torch::nn::BatchNorm2dImpl (Debian's LibTorch does not export what a
// subclass's vtable needs), but its twin: the same options and the same parameters and buffers
// under the same names, so state dicts load either way.
class GRAFT_SDK_API BatchNorm2dImpl : public torch::nn::Cloneable<BatchNorm2dImpl> {
 public:
  explicit BatchNorm2dImpl(std::int64_t num_features) : BatchNorm2dImpl(torch::nn::BatchNormOptions(num_features)) {}
  explicit BatchNorm2dImpl(const torch::nn::BatchNormOptions& options);

  void reset() override;
  void reset_parameters();
  // In training with a RankSum set: normalises by the mean and variance of the examples of every
  // rank (sums and squared sums in double, summed over the ranks; their gradients summed back in
  // the backward pass), and updates the running statistics from them. Otherwise exactly what
  // LibTorch's BatchNorm2d computes.
  at::Tensor forward(const at::Tensor& input);
  void pretty_print(std::ostream& stream) const override;

  torch::nn::BatchNormOptions options;
  at::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

 private:
  at::Tensor synchronised(const at::Tensor& input);
};
TORCH_MODULE(BatchNorm2d);

}  // namespace graft
