// Model `alexnet`: torchvision's AlexNet, with torchvision's tensor names (features.N,
// classifier.N) and preprocessing, so that torchvision weights converted to safetensors load as
// `pretrained`. graft::FeaturesClassifier gives features, head and layer groups.
#include <torch/torch.h>

#include "graft/image_classifier.hpp"

namespace {

namespace nn = torch::nn;

class AlexNet : public graft::FeaturesClassifier {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = graft::ImageClassifier::schema();
    schema.push_back(graft::float_param("dropout", 0.5, "dropout before the first and second fully connected layers")
                         .between(0, 0.95));
    return schema;
  }

  AlexNet(const graft::Params& params, const graft::PluginContext&)
      : FeaturesClassifier("alexnet", params, /*head_index=*/6), dropout_(params.get_float("dropout")) {
    require_image_size_at_least(63, "an 11x11 stride-4 convolution and three 3x3 stride-2 max-poolings");
  }

 protected:
  // torchvision's AlexNet, layer by layer: each layer draws its initial weights (LibTorch's
  // default initialisation is PyTorch's, which AlexNet keeps) when created, so the creation order
  // is torchvision's. (Not one Sequential(...) call: argument order of evaluation is unspecified.)
  std::shared_ptr<graft::FeaturesClassifierNet> create_layers(std::int64_t num_classes) override {
    const auto conv = [](std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                         std::int64_t padding) {
      return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding));
    };
    const auto pool = [] { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2)); };
    nn::Sequential features;
    features->push_back(conv(in_channels(), 64, 11, 4, 2));
    features->push_back(nn::ReLU());
    features->push_back(pool());
    features->push_back(conv(64, 192, 5, 1, 2));
    features->push_back(nn::ReLU());
    features->push_back(pool());
    features->push_back(conv(192, 384, 3, 1, 1));
    features->push_back(nn::ReLU());
    features->push_back(conv(384, 256, 3, 1, 1));
    features->push_back(nn::ReLU());
    features->push_back(conv(256, 256, 3, 1, 1));
    features->push_back(nn::ReLU());
    features->push_back(pool());
    nn::Sequential classifier;
    classifier->push_back(nn::Dropout(dropout_));
    classifier->push_back(nn::Linear(256 * 6 * 6, 4096));
    classifier->push_back(nn::ReLU());
    classifier->push_back(nn::Dropout(dropout_));
    classifier->push_back(nn::Linear(4096, 4096));
    classifier->push_back(nn::ReLU());
    classifier->push_back(nn::Linear(4096, num_classes));
    return std::make_shared<graft::FeaturesClassifierNet>(features, /*pooled_size=*/6, classifier);
  }

 private:
  double dropout_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<AlexNet>("alexnet", "1.0.0", "torchvision's AlexNet (torchvision weights load by name)"))
