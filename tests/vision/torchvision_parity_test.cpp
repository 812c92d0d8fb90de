// The plugins against torchvision 0.14 itself: the same random initialisation for the same seed,
// and the same logits for the same weights and image (tests/data/vision/references.json).
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "formula_weights.hpp"
#include "graft/state_dict.hpp"
#include "references.hpp"
#include "support/temp_folder.hpp"
#include "vision_fixtures.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

constexpr double kTolerance = 1e-4;

const nlohmann::json& model_reference(const std::string& architecture) {
  return vision_references()["models"][architecture];
}

double largest_difference(const at::Tensor& values, const nlohmann::json& expected) {
  const auto reference = torch::tensor(expected.get<std::vector<double>>(), torch::kFloat64);
  return (values.to(torch::kFloat64).flatten() - reference).abs().max().item<double>();
}

// Built after torch.manual_seed(0), without weights: torchvision's first values of the first conv and head.
void check_initialisation(const std::string& architecture) {
  const auto& reference = model_reference(architecture);
  torch::manual_seed(0);
  auto model = built_model(reference["plugin"].get<std::string>(), overrides_from_json(reference["params"]),
                           reference["num_classes"].get<std::size_t>());
  const auto tensors = state_dict(model->module());
  for (const auto& [name, values] : reference["initial_values"].items()) {
    INFO(architecture << " " << name);
    CHECK(largest_difference(tensors.at(name).flatten().slice(0, 0, 4), values) < 1e-6);
  }
}

// torchvision's names and shapes, formula weights, torchvision's evaluation transform: logits and
// the first features (the head's input) as torchvision computed them.
void check_logits(const std::string& architecture) {
  const auto& reference = model_reference(architecture);
  Shapes shapes;
  for (const auto& entry : reference["state_dict"])
    shapes.emplace(entry[0].get<std::string>(), entry[1].get<std::vector<std::int64_t>>());
  TempFolder folder("vision-parity");
  const auto weights = folder / (architecture + ".safetensors");
  write_formula_weights(weights, shapes);

  auto overrides = overrides_from_json(reference["params"]);
  overrides.emplace_back("pretrained", weights.string());
  auto model =
      built_model(reference["plugin"].get<std::string>(), overrides, reference["num_classes"].get<std::size_t>());
  model->module().eval();
  const auto& image = vision_references()["image"];
  const auto batch = model->collate(
      {example_of(formula_image(image["height"].get<std::int64_t>(), image["width"].get<std::int64_t>()))},
      CollateOptions{});
  torch::NoGradGuard no_grad;
  const auto features = model->features(batch);
  const auto logits = model->head(features);
  INFO(architecture << " logits " << logits);
  CHECK(largest_difference(logits[0], reference["logits"]) <= kTolerance);
  CHECK(largest_difference(features[0].slice(0, 0, 4), reference["first_features"]) <= kTolerance);
}

}  // namespace

TEST_CASE("resnet18 is torchvision's: initialisation and logits") {
  check_initialisation("resnet18");
  check_logits("resnet18");
}

TEST_CASE("resnet50 is torchvision's: initialisation and logits") {
  check_initialisation("resnet50");
  check_logits("resnet50");
}

TEST_CASE("vgg11 is torchvision's: initialisation and logits") {
  check_initialisation("vgg11");
  check_logits("vgg11");
}

TEST_CASE("vgg11_bn is torchvision's: initialisation and logits") {
  check_initialisation("vgg11_bn");
  check_logits("vgg11_bn");
}

TEST_CASE("vgg16 is torchvision's: initialisation and logits") {
  check_initialisation("vgg16");
  check_logits("vgg16");
}

TEST_CASE("vgg16_bn is torchvision's: initialisation and logits") {
  check_initialisation("vgg16_bn");
  check_logits("vgg16_bn");
}

TEST_CASE("alexnet is torchvision's: initialisation and logits") {
  check_initialisation("alexnet");
  check_logits("alexnet");
}
