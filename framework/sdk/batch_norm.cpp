#include "graft/batch_norm.hpp"

#include <mutex>
#include <utility>

#include <torch/autograd.h>
#include <torch/torch.h>

namespace graft {
namespace {

std::mutex sum_mutex;
RankSum& rank_sum() {
  static RankSum sum;
  return sum;
}

RankSum current_sum() {
  std::lock_guard<std::mutex> lock(sum_mutex);
  return rank_sum();
}

// y = the sum over ranks of x; every rank's loss depends on y, so x's gradient is the sum over
// ranks of y's gradients: the backward pass is an all-reduce too.
struct SumOverRanks : torch::autograd::Function<SumOverRanks> {
  static at::Tensor forward(torch::autograd::AutogradContext*, const at::Tensor& local) {
    return current_sum()(local.clone());
  }
  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext*, torch::autograd::tensor_list grads) {
    return {current_sum()(grads[0].contiguous().clone())};
  }
};

}  // namespace

void set_batch_statistics_sum(RankSum sum) {
  std::lock_guard<std::mutex> lock(sum_mutex);
  rank_sum() = std::move(sum);
}

bool batch_statistics_synchronised() {
  std::lock_guard<std::mutex> lock(sum_mutex);
  return static_cast<bool>(rank_sum());
}

BatchNorm2dImpl::BatchNorm2dImpl(const torch::nn::BatchNormOptions& options_) : options(options_) { reset(); }

// As LibTorch's BatchNormImplBase::reset: the same names, shapes and initial values.
void BatchNorm2dImpl::reset() {
  if (options.affine()) {
    weight = register_parameter("weight", torch::empty({options.num_features()}));
    bias = register_parameter("bias", torch::empty({options.num_features()}));
  } else {
    weight = register_parameter("weight", at::Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", at::Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", torch::zeros({options.num_features()}));
    running_var = register_buffer("running_var", torch::ones({options.num_features()}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  } else {
    running_mean = register_buffer("running_mean", at::Tensor());
    running_var = register_buffer("running_var", at::Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", at::Tensor());
  }
  reset_parameters();
}

void BatchNorm2dImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  if (options.track_running_stats()) {
    running_mean.zero_();
    running_var.fill_(1);
    num_batches_tracked.zero_();
  }
  if (options.affine()) {
    weight.fill_(1);
    bias.zero_();
  }
}

at::Tensor BatchNorm2dImpl::forward(const at::Tensor& input) {
  TORCH_CHECK(input.dim() == 4, "graft::BatchNorm2d: expected a 4-dimensional input, got ", input.dim(), " dimensions");
  if (is_training() && batch_statistics_synchronised()) return synchronised(input);
  // LibTorch's BatchNormImplBase::forward.
  double factor = options.momentum() ? *options.momentum() : 0.0;
  if (is_training() && options.track_running_stats()) {
    num_batches_tracked.add_(1);
    if (!options.momentum()) factor = 1.0 / num_batches_tracked.item<double>();
  }
  return torch::batch_norm(input, weight, bias, running_mean, running_var,
                           is_training() || !options.track_running_stats(), factor, options.eps(),
                           /*cudnn_enabled=*/true);
}

at::Tensor BatchNorm2dImpl::synchronised(const at::Tensor& input) {
  const std::int64_t channels = input.size(1);
  const std::vector<std::int64_t> reduced = {0, 2, 3};
  const double local_count = static_cast<double>(input.numel() / channels);
  // [sum, squared sum, count], in double: E[x^2] - E[x]^2 loses little there.
  const at::Tensor local =
      torch::cat({input.sum(reduced, false, torch::kDouble), input.square().sum(reduced, false, torch::kDouble),
                  torch::full({1}, local_count, input.options().dtype(torch::kDouble))});
  const at::Tensor total = SumOverRanks::apply(local);
  const at::Tensor count = total.narrow(0, 2 * channels, 1);
  const at::Tensor mean = total.narrow(0, 0, channels) / count;
  const at::Tensor variance = (total.narrow(0, channels, channels) / count - mean.square()).clamp_min(0);
  if (options.track_running_stats()) {
    torch::NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    // momentum unset: the cumulative average, as LibTorch's BatchNorm does.
    const double factor = options.momentum() ? *options.momentum() : 1.0 / num_batches_tracked.item<double>();
    const double n = count.item<double>();
    running_mean.mul_(1 - factor).add_(mean.detach().to(running_mean.scalar_type()), factor);
    running_var.mul_(1 - factor).add_((variance.detach() * (n / std::max(n - 1, 1.0))).to(running_var.scalar_type()),
                                      factor);
  }
  const std::vector<std::int64_t> shape = {1, channels, 1, 1};
  const at::Tensor inverse_std = (variance + options.eps()).rsqrt().to(input.scalar_type()).view(shape);
  at::Tensor output = (input - mean.to(input.scalar_type()).view(shape)) * inverse_std;
  if (options.affine()) output = output * weight.view(shape) + bias.view(shape);
  return output;
}

void BatchNorm2dImpl::pretty_print(std::ostream& stream) const {
  stream << std::boolalpha << "graft::BatchNorm2d(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=";
  if (options.momentum()) {
    stream << *options.momentum();
  } else {
    stream << "None";
  }
  stream << ", affine=" << options.affine() << ", track_running_stats=" << options.track_running_stats() << ")";
}

}  // namespace graft
