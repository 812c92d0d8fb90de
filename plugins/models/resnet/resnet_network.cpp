// ResNet v1.5 as in torchvision 0.14 (models/resnet.py): the stride of a Bottleneck sits on its
// 3x3 convolution, the shortcut is a 1x1 convolution + BatchNorm named downsample.0 / .1.
#include "resnet_network.hpp"

#include <fmt/format.h>

#include "graft/errors.hpp"

namespace graft::resnet {
namespace {

namespace nn = torch::nn;

nn::Conv2d conv3x3(std::int64_t in, std::int64_t out, std::int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false));
}

nn::Conv2d conv1x1(std::int64_t in, std::int64_t out, std::int64_t stride = 1) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, 1).stride(stride).bias(false));
}

// Empty (null) when the block keeps its input's shape.
nn::Sequential shortcut(std::int64_t in, std::int64_t out, std::int64_t stride) {
  if (stride == 1 && in == out) return nn::Sequential{nullptr};
  return nn::Sequential(conv1x1(in, out, stride), graft::BatchNorm2d(out));
}

at::Tensor add_shortcut(const at::Tensor& branch, const at::Tensor& x, nn::Sequential& downsample) {
  return torch::relu(branch + (downsample ? downsample->forward(x) : x));
}

struct BasicBlock : ResidualBlock {
  static constexpr std::int64_t kExpansion = 1;

  BasicBlock(std::int64_t in, std::int64_t planes, std::int64_t stride, nn::Sequential shortcut_layers) {
    conv1 = register_module("conv1", conv3x3(in, planes, stride));
    bn1 = register_module("bn1", graft::BatchNorm2d(planes));
    conv2 = register_module("conv2", conv3x3(planes, planes));
    bn2 = register_module("bn2", graft::BatchNorm2d(planes));
    if (shortcut_layers) downsample = register_module("downsample", shortcut_layers);
  }

  at::Tensor forward(const at::Tensor& x) override {
    const at::Tensor branch = bn2->forward(conv2->forward(torch::relu(bn1->forward(conv1->forward(x)))));
    return add_shortcut(branch, x, downsample);
  }

  graft::BatchNorm2d last_batch_norm() const override { return bn2; }

  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  graft::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  nn::Sequential downsample{nullptr};
};

struct Bottleneck : ResidualBlock {
  static constexpr std::int64_t kExpansion = 4;

  Bottleneck(std::int64_t in, std::int64_t planes, std::int64_t stride, nn::Sequential shortcut_layers) {
    conv1 = register_module("conv1", conv1x1(in, planes));
    bn1 = register_module("bn1", graft::BatchNorm2d(planes));
    conv2 = register_module("conv2", conv3x3(planes, planes, stride));
    bn2 = register_module("bn2", graft::BatchNorm2d(planes));
    conv3 = register_module("conv3", conv1x1(planes, planes * kExpansion));
    bn3 = register_module("bn3", graft::BatchNorm2d(planes * kExpansion));
    if (shortcut_layers) downsample = register_module("downsample", shortcut_layers);
  }

  at::Tensor forward(const at::Tensor& x) override {
    at::Tensor branch = torch::relu(bn1->forward(conv1->forward(x)));
    branch = torch::relu(bn2->forward(conv2->forward(branch)));
    return add_shortcut(bn3->forward(conv3->forward(branch)), x, downsample);
  }

  graft::BatchNorm2d last_batch_norm() const override { return bn3; }

  nn::Conv2d conv1{nullptr}, conv2{nullptr}, conv3{nullptr};
  graft::BatchNorm2d bn1{nullptr}, bn2{nullptr}, bn3{nullptr};
  nn::Sequential downsample{nullptr};
};

// torchvision's _make_layer: the first block changes stride and width (its shortcut is created
// before it, as there), the others keep them. Advances `in` to the layer's output width.
template <class Block>
nn::Sequential make_layer(std::int64_t& in, std::int64_t planes, std::int64_t blocks, std::int64_t stride) {
  nn::Sequential layer;
  const std::int64_t out = planes * Block::kExpansion;
  layer->push_back(
      std::static_pointer_cast<ResidualBlock>(std::make_shared<Block>(in, planes, stride, shortcut(in, out, stride))));
  in = out;
  for (std::int64_t block = 1; block < blocks; ++block) {
    layer->push_back(
        std::static_pointer_cast<ResidualBlock>(std::make_shared<Block>(in, planes, 1, nn::Sequential{nullptr})));
  }
  return layer;
}

struct DepthLayout {
  std::int64_t depth;
  bool bottleneck;
  std::int64_t blocks[4];
};

constexpr DepthLayout kLayouts[] = {
    {18, false, {2, 2, 2, 2}},  {34, false, {3, 4, 6, 3}},  {50, true, {3, 4, 6, 3}},
    {101, true, {3, 4, 23, 3}}, {152, true, {3, 8, 36, 3}},
};

const DepthLayout& layout_of(std::int64_t depth) {
  for (const auto& layout : kLayouts) {
    if (layout.depth == depth) return layout;
  }
  throw InputError(fmt::format("resnet.depth must be 18, 34, 50, 101 or 152, got {}", depth));
}

// torchvision's initialisation, in the same module order: He-normal (fan-out) convolutions,
// BatchNorm scale 1 and shift 0; fc keeps LibTorch's default, which is PyTorch's.
void initialise(nn::Module& net, bool zero_init_residual) {
  for (const auto& module : net.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
    } else if (auto* norm = module->as<graft::BatchNorm2d>()) {
      nn::init::ones_(norm->weight);
      nn::init::zeros_(norm->bias);
    }
  }
  if (!zero_init_residual) return;
  for (const auto& module : net.modules(/*include_self=*/false)) {
    if (auto block = std::dynamic_pointer_cast<ResidualBlock>(module)) {
      nn::init::zeros_(block->last_batch_norm()->weight);
    }
  }
}

}  // namespace

void check_depth(std::int64_t depth) { layout_of(depth); }

ResNetNet::ResNetNet(const Architecture& architecture, std::int64_t num_classes) : max_pool_(!architecture.small_stem) {
  const DepthLayout& layout = layout_of(architecture.depth);
  const auto stem = architecture.small_stem ? nn::Conv2dOptions(architecture.in_channels, 64, 3).stride(1).padding(1)
                                            : nn::Conv2dOptions(architecture.in_channels, 64, 7).stride(2).padding(3);
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(stem).bias(false)));
  bn1 = register_module("bn1", graft::BatchNorm2d(64));
  std::int64_t width = 64;
  nn::Sequential* layers[] = {&layer1, &layer2, &layer3, &layer4};
  for (int index = 0; index < 4; ++index) {
    const std::int64_t planes = 64 << index;
    const std::int64_t stride = index == 0 ? 1 : 2;
    const std::int64_t blocks = layout.blocks[index];
    *layers[index] = register_module(fmt::format("layer{}", index + 1),
                                     layout.bottleneck ? make_layer<Bottleneck>(width, planes, blocks, stride)
                                                       : make_layer<BasicBlock>(width, planes, blocks, stride));
  }
  fc = register_module("fc", nn::Linear(width, num_classes));
  initialise(*this, architecture.zero_init_residual);
}

at::Tensor ResNetNet::features(const at::Tensor& images) {
  at::Tensor x = torch::relu(bn1->forward(conv1->forward(images)));
  if (max_pool_) x = torch::max_pool2d(x, /*kernel_size=*/3, /*stride=*/2, /*padding=*/1);
  x = layer4->forward(layer3->forward(layer2->forward(layer1->forward(x))));
  return torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
}

}  // namespace graft::resnet
