// Model `small_cnn`: a compact CNN for small grayscale images (MNIST family), trained from scratch.
//   [conv 3x3 - BatchNorm - ReLU - maxpool 2] x 2  ->  linear embedding  ->  linear head
#include <fmt/format.h>
#include <torch/torch.h>

#include "graft/batch_norm.hpp"
#include "graft/errors.hpp"
#include "graft/model.hpp"

namespace {

// Shape of the network, fixed by the params.
struct Shape {
  std::int64_t in_channels;
  std::int64_t channels;      // first block; the second has twice as many
  std::int64_t image_size;    // square images; two 2x2 poolings divide it by 4
  std::int64_t hidden;
  double dropout;
};

torch::nn::Sequential conv_block(std::int64_t in, std::int64_t out) {
  return torch::nn::Sequential(
      torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, /*kernel_size=*/3).padding(1).bias(false)),
      graft::BatchNorm2d(out), torch::nn::ReLU(), torch::nn::MaxPool2d(/*kernel_size=*/2));
}

struct SmallCnnNet : torch::nn::Module {
  SmallCnnNet(const Shape& shape, std::int64_t classes) {
    const std::int64_t pooled = shape.image_size / 4;
    block1 = register_module("block1", conv_block(shape.in_channels, shape.channels));
    block2 = register_module("block2", conv_block(shape.channels, 2 * shape.channels));
    embedding = register_module(
        "embedding", torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Dropout(shape.dropout),
                                           torch::nn::Linear(2 * shape.channels * pooled * pooled, shape.hidden),
                                           torch::nn::ReLU()));
    classifier = register_module(
        "classifier", torch::nn::Sequential(torch::nn::Dropout(shape.dropout), torch::nn::Linear(shape.hidden, classes)));
  }

  torch::nn::Sequential block1{nullptr}, block2{nullptr}, embedding{nullptr}, classifier{nullptr};
};

class SmallCnn : public graft::Model {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("channels", 32, "filters of the first conv block (the second has twice as many)")
            .between(1, 1024),
        graft::int_param("hidden", 128, "width of the embedding layer before the head").between(1, 65536),
        graft::float_param("dropout", 0.25, "dropout before the embedding and the head").between(0, 0.95),
        graft::int_param("in_channels", 1, "image channels").between(1, 4),
        graft::int_param("image_size", 28, "height = width of the images (a multiple of 4)").between(4, 1024),
        graft::float_param("mean", 0.2860, "normalisation mean of pixel values in [0, 1] (Fashion-MNIST's)"),
        graft::float_param("std", 0.3530, "normalisation std of pixel values in [0, 1] (Fashion-MNIST's)")
            .at_least(1e-6),
    };
  }

  SmallCnn(const graft::Params& params, const graft::PluginContext&)
      : shape_{params.get_int("in_channels"), params.get_int("channels"), params.get_int("image_size"),
               params.get_int("hidden"), params.get_float("dropout")},
        mean_(params.get_float("mean")),
        std_(params.get_float("std")) {
    if (shape_.image_size % 4 != 0) {
      throw graft::InputError("small_cnn: image_size must be a multiple of 4, got " + std::to_string(shape_.image_size));
    }
  }

  void build(const graft::TaskSpec& task) override {
    net_ = std::make_shared<SmallCnnNet>(shape_, static_cast<std::int64_t>(task.num_classes()));
  }

  torch::nn::Module& module() override { return *net_; }

  graft::Batch collate(const std::vector<graft::Example>& examples, const graft::CollateOptions&) const override {
    std::vector<torch::Tensor> images;
    std::vector<std::int64_t> labels;
    images.reserve(examples.size());
    labels.reserve(examples.size());
    for (const auto& example : examples) {
      images.push_back(example.image.dim() == 2 ? example.image.unsqueeze(0) : example.image);
      labels.push_back(example.label);
    }
    graft::Batch batch;
    batch.inputs = (torch::stack(images).to(torch::kFloat32).div_(255.0f) - mean_) / std_;
    batch.labels = torch::tensor(labels, torch::kInt64);
    const auto& sizes = batch.inputs.sizes();
    if (sizes[1] != shape_.in_channels || sizes[2] != shape_.image_size || sizes[3] != shape_.image_size) {
      throw graft::InputError("small_cnn expects " + std::to_string(shape_.in_channels) + "x" +
                              std::to_string(shape_.image_size) + "x" + std::to_string(shape_.image_size) +
                              " images, got " + std::to_string(sizes[1]) + "x" + std::to_string(sizes[2]) + "x" +
                              std::to_string(sizes[3]) + " (set model.in_channels / model.image_size)");
    }
    return batch;
  }

  // No augmentation: the same in both modes.
  std::string preprocessing_key(graft::Mode) const override {
    return fmt::format("small_cnn:in_channels={},image_size={},mean={},std={}", shape_.in_channels,
                       shape_.image_size, mean_, std_);
  }

  torch::Tensor features(const graft::Batch& batch) override {
    return net_->embedding->forward(net_->block2->forward(net_->block1->forward(batch.inputs)));
  }

  torch::Tensor head(const torch::Tensor& features) override { return net_->classifier->forward(features); }

  std::vector<graft::LayerGroup> layer_groups() override {
    return {{"block1", {net_->block1.ptr()}},
            {"block2", {net_->block2.ptr()}},
            {"embedding", {net_->embedding.ptr()}},
            {"head", {net_->classifier.ptr()}}};
  }

 private:
  Shape shape_;
  double mean_;
  double std_;
  std::shared_ptr<SmallCnnNet> net_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<SmallCnn>("small_cnn", "1.0.0", "compact CNN for small grayscale images"))
