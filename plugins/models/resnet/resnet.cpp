// Model `resnet`: torchvision's ResNet-18/34/50/101/152, with torchvision's tensor names and
// preprocessing (graft::ImageClassifier), so that torchvision weights converted to safetensors
// load as `pretrained`. stem = "small" adapts it to 28-32 px images (CIFAR-style ResNets).
#include "graft/errors.hpp"
#include "graft/image_classifier.hpp"
#include "resnet_network.hpp"

namespace {

class ResNet : public graft::ImageClassifier {
 public:
  static graft::ParamSchema schema() {
    graft::ParamSchema schema = graft::ImageClassifier::schema();
    schema.push_back(graft::int_param("depth", 18, "18 or 34 (basic blocks), 50, 101 or 152 (bottlenecks)"));
    schema.push_back(graft::string_param("stem", "imagenet",
                                         "\"imagenet\": 7x7 stride-2 conv1 then max-pooling (torchvision's); "
                                         "\"small\": 3x3 stride-1 conv1, no max-pooling, for 28-32 px images "
                                         "(same tensor names; a pre-trained 7x7 conv1 does not fit it)")
                         .one_of({"imagenet", "small"}));
    schema.push_back(graft::bool_param("zero_init_residual", false,
                                       "start each residual branch's last BatchNorm at 0, so blocks start as the "
                                       "identity (torchvision's option; ignored for pre-trained weights)"));
    return schema;
  }

  ResNet(const graft::Params& params, const graft::PluginContext&)
      : ImageClassifier("resnet", params),
        architecture_{params.get_int("depth"), in_channels(), params.get_string("stem") == "small",
                      params.get_bool("zero_init_residual")} {
    graft::resnet::check_depth(architecture_.depth);
  }

  at::Tensor features(const graft::Batch& batch) override { return net_->features(batch.inputs); }
  at::Tensor head(const at::Tensor& features) override { return net_->head(features); }

  std::vector<graft::LayerGroup> layer_groups() override {
    return {{"stem", {net_->conv1.ptr(), net_->bn1.ptr()}},
            {"layer1", {net_->layer1.ptr()}},
            {"layer2", {net_->layer2.ptr()}},
            {"layer3", {net_->layer3.ptr()}},
            {"layer4", {net_->layer4.ptr()}},
            {"head", {net_->fc.ptr()}}};
  }

 protected:
  std::shared_ptr<torch::nn::Module> create_network(std::int64_t num_classes) override {
    net_ = std::make_shared<graft::resnet::ResNetNet>(architecture_, num_classes);
    return net_;
  }
  std::string head_prefix() const override { return "fc"; }
  std::string first_conv_weight() const override { return "conv1.weight"; }

 private:
  graft::resnet::Architecture architecture_;
  std::shared_ptr<graft::resnet::ResNetNet> net_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<ResNet>("resnet", "1.0.0",
                                     "torchvision's ResNet-18/34/50/101/152 (torchvision weights load by name)"))
