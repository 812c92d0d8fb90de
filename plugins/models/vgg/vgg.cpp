// Model `vgg`: torchvision's VGG-11/13/16/19, with or without BatchNorm, with torchvision's tensor
// names (features.N, classifier.N) and preprocessing, so that torchvision weights converted to
// safetensors load as `pretrained`. graft::FeaturesClassifier gives features, head, layer groups.
#include <fmt/format.h>
#include <torch/torch.h>

#include "graft/batch_norm.hpp"
#include "graft/errors.hpp"
#include "graft/image_classifier.hpp"

namespace {

namespace nn = torch::nn;

constexpr std::int64_t kPool = 0;  // a 2x2 max-pooling in a configuration

// torchvision's cfgs "A", "B", "D", "E": output channels of each 3x3 convolution, and poolings.
std::vector<std::int64_t> configuration(std::int64_t depth) {
  switch (depth) {
    case 11:
      return {64, kPool, 128, kPool, 256, 256, kPool, 512, 512, kPool, 512, 512, kPool};
    case 13:
      return {64, 64, kPool, 128, 128, kPool, 256, 256, kPool, 512, 512, kPool, 512, 512, kPool};
    case 16:
      return {64, 64, kPool, 128, 128, kPool, 256, 256, 256, kPool, 512, 512, 512, kPool, 512, 512, 512, kPool};
    case 19:
      return {64,  64,  kPool, 128, 128,   kPool, 256, 256, 256, 256,  kPool,
              512, 512, 512,   512, kPool, 512,   512, 512, 512, kPool};
    default:
      throw graft::InputError(fmt::format("vgg.depth must be 11, 13, 16 or 19, got {}", depth));
  }
}

// torchvision's make_layers: conv 3x3 (+ BatchNorm) + ReLU per entry, max-pooling for kPool.
nn::Sequential make_features(const std::vector<std::int64_t>& layout, std::int64_t in_channels, bool batch_norm) {
  nn::Sequential features;
  std::int64_t channels = in_channels;
  for (const std::int64_t entry : layout) {
    if (entry == kPool) {
      features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
      continue;
    }
    features->push_back(nn::Conv2d(nn::Conv2dOptions(channels, entry, 3).padding(1)));
    if (batch_norm) features->push_back(graft::BatchNorm2d(entry));
    features->push_back(nn::ReLU());
    channels = entry;
  }
  return features;
}

// torchvision's VGG.__init__ initialisation, in module order.
void initialise(nn::Module& net) {
  for (const auto& module : net.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<nn::Conv2d>()) {
      nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
      nn::init::zeros_(conv->bias);
    } else if (auto* norm = module->as<graft::BatchNorm2d>()) {
      nn::init::ones_(norm->weight);
      nn::init::zeros_(norm->bias);
    } else if (auto* linear = module->as<nn::Linear>()) {
      nn::init::normal_(linear->weight, 0.0, 0.01);
      nn::init::zeros_(linear->bias);
    }
  }
}

class Vgg : public graft::FeaturesClassifier {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = graft::ImageClassifier::schema();
    schema.push_back(graft::int_param("depth", 16, "11, 13, 16 or 19 (weight layers)"));
    schema.push_back(
        graft::bool_param("batch_norm", false, "BatchNorm after every convolution (torchvision's vgg*_bn)"));
    schema.push_back(graft::float_param("dropout", 0.5, "dropout before the second and third fully connected layers")
                         .between(0, 0.95));
    return schema;
  }

  Vgg(const graft::Params& params, const graft::PluginContext&)
      : FeaturesClassifier("vgg", params, /*head_index=*/6),
        layout_(configuration(params.get_int("depth"))),
        batch_norm_(params.get_bool("batch_norm")),
        dropout_(params.get_float("dropout")) {
    require_image_size_at_least(32, "five 2x2 max-poolings");
  }

 protected:
  std::shared_ptr<graft::FeaturesClassifierNet> create_layers(std::int64_t num_classes) override {
    nn::Sequential features = make_features(layout_, in_channels(), batch_norm_);
    // Layer by layer, in torchvision's order (argument evaluation order is unspecified).
    nn::Sequential classifier;
    classifier->push_back(nn::Linear(512 * 7 * 7, 4096));
    classifier->push_back(nn::ReLU());
    classifier->push_back(nn::Dropout(dropout_));
    classifier->push_back(nn::Linear(4096, 4096));
    classifier->push_back(nn::ReLU());
    classifier->push_back(nn::Dropout(dropout_));
    classifier->push_back(nn::Linear(4096, num_classes));
    auto net = std::make_shared<graft::FeaturesClassifierNet>(features, /*pooled_size=*/7, classifier);
    initialise(*net);
    return net;
  }

 private:
  std::vector<std::int64_t> layout_;
  bool batch_norm_;
  double dropout_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<Vgg>(
    "vgg", "1.0.0", "torchvision's VGG-11/13/16/19, optionally with BatchNorm (torchvision weights load by name)"))
