#pragma once
// Base class of image classification models that take torchvision's weights and preprocessing
// (the built-in resnet, vgg and alexnet, and users' own image models). It owns what they share:
// the common params, loading `pretrained` state dicts (new head for another class count, RGB
// filters summed for grayscale input), and collate() with torchvision's ImageNet transforms.
//
// A subclass supplies the network (create_network), where its head and first conv are in the
// state dict, and features() / head() / layer_groups(). Its schema() appends its own params to
// ImageClassifier::schema(); its constructor passes its plugin name and the params on.
// FeaturesClassifier, below, does most of that for networks laid out as torchvision's VGG and
// AlexNet.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/pooling.h>

#include "graft/model.hpp"
#include "graft/params.hpp"

namespace graft {

class GRAFT_SDK_API ImageClassifier : public Model {
 public:
  // pretrained, in_channels, image_size, resize_size, augment, mean, std.
  static ParamSchema schema();

  // `plugin_name` starts messages and preprocessing keys. Throws InputError for inconsistent
  // params (a mean per channel, in_channels 1 or 3).
  ImageClassifier(std::string plugin_name, const Params& params);
  ~ImageClassifier() override;

  // Creates the network for task.num_classes() classes, then loads `pretrained` if set. A head
  // with another class count than the task's is left out (the new head keeps its initialisation);
  // with no classes in the task, the class count is the pre-trained head's.
  void build(const TaskSpec& task) override;
  torch::nn::Module& module() override;

  // Eval mode (and Train mode with augment = false): resize the shorter side to resize_size,
  // centre crop image_size. Train mode: RandomResizedCrop(image_size) and a horizontal flip,
  // drawn from the batch's seed and the example's position. Then normalise with mean / std.
  Batch collate(const std::vector<Example>& examples, const CollateOptions& options) const override;
  // Every preprocessing setting; empty when collate draws random numbers (augmented training).
  std::string preprocessing_key(Mode mode) const override;

  const std::string& plugin_name() const { return plugin_name_; }
  std::int64_t in_channels() const { return in_channels_; }
  std::int64_t image_size() const { return image_size_; }
  std::int64_t resize_size() const { return resize_size_; }

 protected:
  // The network for `num_classes` classes and in_channels() input channels, initialised the way
  // torchvision does, drawing from torch's global generator (the engine seeds it). Keep a typed
  // pointer to it for features(), head() and layer_groups().
  virtual std::shared_ptr<torch::nn::Module> create_network(std::int64_t num_classes) = 0;
  // Name prefix of the head's tensors in the state dict: "fc", "classifier.6".
  virtual std::string head_prefix() const = 0;
  // Name of the first convolution's weight: "conv1.weight", "features.0.weight".
  virtual std::string first_conv_weight() const = 0;

  // For subclasses whose network shrinks images below one pixel under some size.
  void require_image_size_at_least(std::int64_t smallest, const std::string& why) const;

 private:
  bool augments(Mode mode) const { return augment_ && mode == Mode::Train; }
  std::int64_t classes_of_pretrained_head(const std::map<std::string, at::Tensor>& weights) const;
  void load_pretrained(const std::map<std::string, at::Tensor>& weights, std::int64_t num_classes);

  std::string plugin_name_;
  std::string pretrained_;
  std::string pretrained_head_;  // auto, new, keep
  std::int64_t in_channels_;
  std::int64_t image_size_;
  std::int64_t resize_size_;
  bool augment_;
  std::vector<double> mean_;
  std::vector<double> std_;
  std::shared_ptr<torch::nn::Module> network_;
};

// torchvision's layout of VGG and AlexNet: `features` (convolutions and max-poolings), `avgpool`
// (adaptive, to a fixed grid), then `classifier` (fully connected layers, dropout), whose last
// layer is the head. Tensor names are torchvision's: features.N.*, classifier.N.*.
struct GRAFT_SDK_API FeaturesClassifierNet : torch::nn::Module {
  // Registered in this order, after the caller created `features` then `classifier`: the order
  // in which torchvision draws their initial weights.
  FeaturesClassifierNet(torch::nn::Sequential features, std::int64_t pooled_size, torch::nn::Sequential classifier);
  ~FeaturesClassifierNet() override;

  torch::nn::Sequential features{nullptr};
  torch::nn::AdaptiveAvgPool2d avgpool{nullptr};
  torch::nn::Sequential classifier{nullptr};
};

// An ImageClassifier over a FeaturesClassifierNet. features() is the input of the classifier's
// last layer; layer groups: `stage1`..`stageK` (features, one per max-pooling stage), then
// `classifier` (every classifier layer but the last) and `head` (the last).
class GRAFT_SDK_API FeaturesClassifier : public ImageClassifier {
 public:
  // `head_index`: the head's position in `classifier` (6 for VGG and AlexNet), known before the
  // network exists so that build() can find the head of pre-trained weights first.
  FeaturesClassifier(std::string plugin_name, const Params& params, std::size_t head_index);
  ~FeaturesClassifier() override;

  at::Tensor features(const Batch& batch) override;
  at::Tensor head(const at::Tensor& features) override;
  std::vector<LayerGroup> layer_groups() override;

 protected:
  // The network for `num_classes` classes, initialised as torchvision does.
  virtual std::shared_ptr<FeaturesClassifierNet> create_layers(std::int64_t num_classes) = 0;

 private:
  std::shared_ptr<torch::nn::Module> create_network(std::int64_t num_classes) final;
  std::string head_prefix() const final;
  std::string first_conv_weight() const final { return "features.0.weight"; }

  std::size_t head_index_;
  std::shared_ptr<FeaturesClassifierNet> net_;
};

}  // namespace graft
