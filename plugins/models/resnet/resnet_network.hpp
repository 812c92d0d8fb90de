#pragma once
// torchvision 0.14's ResNet as a LibTorch module: the same submodules, registered in the same
// order under the same names (conv1, bn1, layer1.0.conv1, layer1.0.downsample.0, ..., fc), so
// that torchvision state dicts load by name and the same seed draws the same initial weights.
#include <cstdint>
#include <string>

#include <torch/torch.h>

#include "graft/batch_norm.hpp"

namespace graft::resnet {

struct Architecture {
  std::int64_t depth = 18;  // 18, 34 (basic blocks), 50, 101, 152 (bottlenecks)
  std::int64_t in_channels = 3;
  bool small_stem = false;  // 3x3 stride-1 conv1 and no max-pooling: for 28-32 px images
  bool zero_init_residual = false;
};

// The depths torchvision defines; anything else throws InputError naming them.
void check_depth(std::int64_t depth);

// A residual block: out = relu(branch(x) + shortcut(x)).
struct ResidualBlock : torch::nn::Module {
  virtual at::Tensor forward(const at::Tensor& x) = 0;
  // The BatchNorm ending the branch, zeroed by zero_init_residual so that the block starts as
  // the identity.
  virtual graft::BatchNorm2d last_batch_norm() const = 0;
};

struct ResNetNet : torch::nn::Module {
  ResNetNet(const Architecture& architecture, std::int64_t num_classes);

  // The pooled vector the head reads: 512 (basic blocks) or 2048 (bottlenecks) values.
  at::Tensor features(const at::Tensor& images);
  at::Tensor head(const at::Tensor& features) { return fc->forward(features); }

  torch::nn::Conv2d conv1{nullptr};
  graft::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr}, layer4{nullptr};
  torch::nn::Linear fc{nullptr};

 private:
  bool max_pool_;
};

}  // namespace graft::resnet
