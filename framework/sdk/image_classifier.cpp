// What every torchvision-style image classifier shares: params, pre-trained weights, collate.
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/pooling.h>

#include "graft/errors.hpp"
#include "graft/image_classifier.hpp"
#include "graft/image_transforms.hpp"
#include "graft/log.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"

namespace graft {
namespace {

const std::vector<double> kImageNetMean = {0.485, 0.456, 0.406};
const std::vector<double> kImageNetStd = {0.229, 0.224, 0.225};

// torchvision evaluates ImageNet models on a 224 crop of images resized to 256.
std::int64_t default_resize_size(std::int64_t image_size) {
  return static_cast<std::int64_t>(std::nearbyint(static_cast<double>(image_size) * 256.0 / 224.0));
}

// One value per input channel. Grayscale input may keep the three RGB values: their average
// matches the first conv's filters summed over RGB.
std::vector<double> per_channel(const std::string& plugin, const std::string& key, std::vector<double> values,
                                std::int64_t channels) {
  if (channels == 1 && values.size() == 3) return {(values[0] + values[1] + values[2]) / 3.0};
  if (values.size() != static_cast<std::size_t>(channels)) {
    throw InputError(fmt::format("{}.{} has {} value(s) but in_channels = {}: give one value per channel", plugin, key,
                                 values.size(), channels));
  }
  return values;
}

}  // namespace

ParamSchema ImageClassifier::schema() {
  return {
      string_param("pretrained", "",
                   "a .safetensors state dict with torchvision's tensor names to start from (converted torchvision "
                   "weights, or a graft checkpoint); \"\" = random initialisation. See docs/models.md"),
      string_param("pretrained_head", "auto",
                   "the pre-trained head: \"auto\" keeps it when its class count is the task's and starts a new one "
                   "otherwise; \"new\" always starts a new head (a new task with as many classes); \"keep\" "
                   "requires it to fit")
          .one_of({"auto", "new", "keep"}),
      int_param("in_channels", 3,
                "input channels: 3 (RGB), or 1 (grayscale: the pre-trained first conv's filters are summed over RGB)")
          .between(1, 3),
      int_param("image_size", 224, "side of the square crop the network sees").between(16, 4096),
      int_param("resize_size", 0,
                "evaluation: the shorter side is resized to this before the centre crop; 0 = round(image_size * "
                "256 / 224), torchvision's ImageNet ratio (256 for 224)")
          .between(0, 8192),
      bool_param("augment", true,
                 "training: RandomResizedCrop(image_size) and random horizontal flips; false: the evaluation "
                 "transform in training too"),
      float_list_param("mean", kImageNetMean,
                       "per-channel mean of pixel values in [0, 1], one per input channel (ImageNet's; with "
                       "in_channels = 1, three values are averaged)"),
      float_list_param("std", kImageNetStd,
                       "per-channel std of pixel values in [0, 1], one per input channel (ImageNet's; with "
                       "in_channels = 1, three values are averaged)"),
  };
}

ImageClassifier::ImageClassifier(std::string plugin_name, const Params& params)
    : plugin_name_(std::move(plugin_name)),
      pretrained_(params.get_string("pretrained")),
      pretrained_head_(params.get_string("pretrained_head")),
      in_channels_(params.get_int("in_channels")),
      image_size_(params.get_int("image_size")),
      resize_size_(params.get_int("resize_size") == 0 ? default_resize_size(image_size_)
                                                      : params.get_int("resize_size")),
      augment_(params.get_bool("augment")) {
  if (in_channels_ != 1 && in_channels_ != 3) {
    throw InputError(
        fmt::format("{}.in_channels must be 3 (RGB) or 1 (grayscale), got {}", plugin_name_, in_channels_));
  }
  mean_ = per_channel(plugin_name_, "mean", params.get_float_list("mean"), in_channels_);
  std_ = per_channel(plugin_name_, "std", params.get_float_list("std"), in_channels_);
  for (double value : std_) {
    if (!(value > 0)) throw InputError(fmt::format("{}.std must be positive, got {}", plugin_name_, value));
  }
}

ImageClassifier::~ImageClassifier() = default;

void ImageClassifier::require_image_size_at_least(std::int64_t smallest, const std::string& why) const {
  if (image_size_ < smallest) {
    throw InputError(
        fmt::format("{}.image_size must be at least {} ({}), got {}", plugin_name_, smallest, why, image_size_));
  }
}

void ImageClassifier::build(const TaskSpec& task) {
  std::map<std::string, at::Tensor> weights;
  if (!pretrained_.empty()) {
    if (!std::filesystem::is_regular_file(pretrained_)) {
      throw InputError(fmt::format("{}.pretrained: {} is not a file (a .safetensors state dict: see docs/models.md)",
                                   plugin_name_, pretrained_));
    }
    weights = without_data_parallel_prefix(load_safetensors(pretrained_));
  }
  const auto classes =
      task.num_classes() > 0 ? static_cast<std::int64_t>(task.num_classes()) : classes_of_pretrained_head(weights);
  network_ = create_network(classes);
  if (!weights.empty()) load_pretrained(weights, classes);
}

std::int64_t ImageClassifier::classes_of_pretrained_head(const std::map<std::string, at::Tensor>& weights) const {
  if (pretrained_.empty()) {
    throw InputError(
        fmt::format("{}: the task names no classes and there are no pretrained weights to count them "
                    "from: set {}.pretrained to a state dict with a head",
                    plugin_name_, plugin_name_));
  }
  const std::string head_weight = head_prefix() + ".weight";
  const auto found = weights.find(head_weight);
  if (found == weights.end() || found->second.dim() != 2) {
    throw InputError(
        fmt::format("{}.pretrained = {}: no 2-d '{}' tensor to take the number of classes from "
                    "(weights for another architecture?)",
                    plugin_name_, pretrained_, head_weight));
  }
  return found->second.size(0);
}

void ImageClassifier::load_pretrained(const std::map<std::string, at::Tensor>& weights, std::int64_t num_classes) {
  StateDictLoadOptions options;
  options.source = fmt::format("{}.pretrained = {}", plugin_name_, pretrained_);

  const std::string head_names = head_prefix() + ".";
  const auto head_weight = weights.find(head_prefix() + ".weight");
  // A file without a head is reported by the strict name check; one with another class count
  // gives its backbone only.
  const bool other_count =
      head_weight != weights.end() && head_weight->second.dim() == 2 && head_weight->second.size(0) != num_classes;
  if (pretrained_head_ == "new" || (other_count && pretrained_head_ == "auto")) {
    if (other_count) {
      log::info("{}: the pre-trained head has {} classes and the task {}: backbone from {}, new head", plugin_name_,
                head_weight->second.size(0), num_classes, pretrained_);
    } else {
      log::info("{}: backbone from {}, new head (pretrained_head = \"new\")", plugin_name_, pretrained_);
    }
    options.skip = [head_names](const std::string& name) { return name.rfind(head_names, 0) == 0; };
  }
  if (in_channels_ == 1) {
    // As timm does: grayscale x through filters summed over RGB equals RGB (x, x, x) through the
    // original filters, so the pre-trained features keep their meaning.
    options.transform = [first = first_conv_weight()](const std::string& name, const at::Tensor& tensor) {
      return name == first && tensor.dim() == 4 && tensor.size(1) == 3 ? tensor.sum(1, /*keepdim=*/true) : tensor;
    };
  }
  load_state_dict(*network_, weights, options);
}

torch::nn::Module& ImageClassifier::module() {
  if (!network_) throw std::logic_error(plugin_name_ + ": module() before build()");
  return *network_;
}

namespace {

// The examples' images as one uint8 batch [N, C, H, W] when they all have the same shape (the
// common case), else an undefined tensor.
at::Tensor uniform_image_batch(const std::vector<Example>& examples) {
  if (examples.empty()) return {};
  const auto& first = examples.front().image;
  if (!first.defined() || first.scalar_type() != at::kByte || (first.dim() != 2 && first.dim() != 3)) return {};
  std::vector<at::Tensor> images;
  images.reserve(examples.size());
  for (const auto& example : examples) {
    const auto& image = example.image;
    if (!image.defined() || image.scalar_type() != at::kByte || image.sizes() != first.sizes()) return {};
    images.push_back(image.dim() == 2 ? image.unsqueeze(0) : image);
  }
  return at::stack(images);
}

}  // namespace

Batch ImageClassifier::collate(const std::vector<Example>& examples, const CollateOptions& options) const {
  // Evaluation preprocessing is the same for every image, so same-sized images go through it
  // together: one call per transform instead of one per image. The per-image calls cost more than
  // the arithmetic at these sizes (a ResNet-18 probe at 32 px spent about 6% more CPU time per
  // example than a loop preprocessing whole batches), and the result is the same, value for value.
  if (!augments(options.mode)) {
    if (const at::Tensor batch = uniform_image_batch(examples); batch.defined()) {
      const at::Tensor images = image::adapt_channels(batch.to(at::kFloat).div_(255.0), in_channels_);
      std::vector<std::int64_t> labels;
      labels.reserve(examples.size());
      for (const auto& example : examples) labels.push_back(example.label);
      Batch out;
      out.inputs = image::normalize(image::evaluation_crop(images, resize_size_, image_size_), mean_, std_).contiguous();
      out.labels = at::tensor(labels, at::kLong);
      return out;
    }
  }
  std::vector<at::Tensor> images;
  std::vector<std::int64_t> labels;
  images.reserve(examples.size());
  labels.reserve(examples.size());
  for (std::size_t position = 0; position < examples.size(); ++position) {
    try {
      const at::Tensor image = image::adapt_channels(image::to_float_image(examples[position].image), in_channels_);
      at::Tensor cropped;
      if (augments(options.mode)) {
        at::Generator generator = image::example_generator(options, position);
        cropped = image::training_crop(image, image_size_, generator);
      } else {
        cropped = image::evaluation_crop(image, resize_size_, image_size_);
      }
      images.push_back(image::normalize(cropped, mean_, std_));
    } catch (const InputError& error) {
      throw InputError(fmt::format("{}: example {} of the batch: {}", plugin_name_, position, error.what()));
    }
    labels.push_back(examples[position].label);
  }
  Batch batch;
  batch.inputs = at::stack(images);
  batch.labels = at::tensor(labels, at::kLong);
  return batch;
}

std::string ImageClassifier::preprocessing_key(Mode mode) const {
  if (augments(mode)) return {};
  return fmt::format("torchvision_eval:resize={},center_crop={},in_channels={},mean=[{}],std=[{}]", resize_size_,
                     image_size_, in_channels_, fmt::join(mean_, ","), fmt::join(std_, ","));
}

FeaturesClassifierNet::FeaturesClassifierNet(torch::nn::Sequential features_layers, std::int64_t pooled_size,
                                             torch::nn::Sequential classifier_layers) {
  features = register_module("features", std::move(features_layers));
  avgpool = register_module("avgpool", torch::nn::AdaptiveAvgPool2d(pooled_size));
  classifier = register_module("classifier", std::move(classifier_layers));
}

FeaturesClassifierNet::~FeaturesClassifierNet() = default;

FeaturesClassifier::FeaturesClassifier(std::string plugin_name, const Params& params, std::size_t head_index)
    : ImageClassifier(std::move(plugin_name), params), head_index_(head_index) {}

FeaturesClassifier::~FeaturesClassifier() = default;

std::shared_ptr<torch::nn::Module> FeaturesClassifier::create_network(std::int64_t num_classes) {
  net_ = create_layers(num_classes);
  if (net_->classifier->size() != head_index_ + 1) {
    throw std::logic_error(fmt::format("{}: the classifier has {} layers, the head was declared at index {}",
                                       plugin_name(), net_->classifier->size(), head_index_));
  }
  return net_;
}

std::string FeaturesClassifier::head_prefix() const { return fmt::format("classifier.{}", head_index_); }

at::Tensor FeaturesClassifier::features(const Batch& batch) {
  at::Tensor x = net_->avgpool->forward(net_->features->forward(batch.inputs)).flatten(1);
  auto layer = net_->classifier->begin();
  for (std::size_t index = 0; index < head_index_; ++index, ++layer) x = layer->forward(x);
  return x;
}

at::Tensor FeaturesClassifier::head(const at::Tensor& features) {
  return (net_->classifier->begin() + static_cast<std::ptrdiff_t>(head_index_))->forward(features);
}

std::vector<LayerGroup> FeaturesClassifier::layer_groups() {
  std::vector<LayerGroup> groups;
  LayerGroup stage;
  for (const auto& layer : net_->features->children()) {
    stage.modules.push_back(layer);
    if (layer->as<torch::nn::MaxPool2d>() != nullptr) {
      stage.name = fmt::format("stage{}", groups.size() + 1);
      groups.push_back(std::move(stage));
      stage = LayerGroup{};
    }
  }
  if (!stage.modules.empty()) {  // layers after the last pooling belong to the last stage
    if (groups.empty()) groups.push_back(LayerGroup{"stage1", {}});
    auto& last = groups.back().modules;
    last.insert(last.end(), stage.modules.begin(), stage.modules.end());
  }
  LayerGroup classifier{"classifier", {}};
  const auto layers = net_->classifier->children();
  classifier.modules.assign(layers.begin(), layers.begin() + static_cast<std::ptrdiff_t>(head_index_));
  groups.push_back(std::move(classifier));
  groups.push_back(LayerGroup{"head", {layers[head_index_]}});
  return groups;
}

}  // namespace graft
