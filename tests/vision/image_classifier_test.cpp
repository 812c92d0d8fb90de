// What graft::ImageClassifier gives the resnet, vgg and alexnet plugins: pre-trained weights
// (new heads, grayscale input, checkpoints), preprocessing, layer groups.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <set>
#include <thread>
#include <tuple>

#include "formula_weights.hpp"
#include "graft/errors.hpp"
#include "graft/image_transforms.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"
#include "support/temp_folder.hpp"
#include "vision_fixtures.hpp"

using namespace graft;
using namespace graft::testing;

namespace {

// ResNet-18 on 32 px images: the smallest of the three, fast enough to build many times.
const Overrides kSmallResNet = {
    {"depth", std::int64_t{18}}, {"stem", std::string("small")}, {"image_size", std::int64_t{32}}};

Overrides with(Overrides overrides, const std::string& key, ParamValue value) {
  overrides.emplace_back(key, std::move(value));
  return overrides;
}

// Formula weights shaped as a small ResNet-18 for `classes` classes, written to `path`.
std::map<std::string, at::Tensor> write_resnet_weights(const std::filesystem::path& path, std::size_t classes) {
  const auto shapes = shapes_of(state_dict(built_model("resnet", kSmallResNet, classes)->module()));
  write_formula_weights(path, shapes);
  return formula_state_dict(shapes);
}

std::vector<Example> images(std::size_t count, std::int64_t height, std::int64_t width) {
  std::vector<Example> examples;
  for (std::size_t index = 0; index < count; ++index) {
    examples.push_back(example_of(formula_image(height, width).roll(static_cast<std::int64_t>(index) * 7, 2),
                                  static_cast<std::int64_t>(index)));
  }
  return examples;
}

std::string build_error(const std::string& plugin, const Overrides& overrides, std::size_t classes) {
  try {
    built_model(plugin, overrides, classes);
  } catch (const InputError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("Pre-trained weights with the task's classes load whole") {
  TempFolder folder("vision");
  const auto weights = write_resnet_weights(folder / "w.safetensors", 4);
  auto model = built_model("resnet", with(kSmallResNet, "pretrained", (folder / "w.safetensors").string()), 4);
  for (const auto& [name, tensor] : state_dict(model->module())) {
    INFO(name);
    CHECK(torch::equal(tensor, weights.at(name)));
  }
}

TEST_CASE("A pre-trained head with another class count gives a new head on the file's backbone") {
  TempFolder folder("vision");
  const auto weights = write_resnet_weights(folder / "w.safetensors", 7);
  auto model = built_model("resnet", with(kSmallResNet, "pretrained", (folder / "w.safetensors").string()), 3);
  const auto loaded = state_dict(model->module());
  CHECK(loaded.at("fc.weight").sizes() == at::IntArrayRef({3, 512}));
  CHECK(loaded.at("fc.bias").sizes() == at::IntArrayRef({3}));
  for (const auto& [name, tensor] : loaded) {
    if (name.rfind("fc.", 0) == 0) continue;
    INFO(name);
    CHECK(torch::equal(tensor, weights.at(name)));
  }
}

TEST_CASE("No classes in the task: as many as the pre-trained head has") {
  TempFolder folder("vision");
  write_resnet_weights(folder / "w.safetensors", 6);
  auto model = built_model("resnet", with(kSmallResNet, "pretrained", (folder / "w.safetensors").string()), 0);
  CHECK(state_dict(model->module()).at("fc.weight").size(0) == 6);
  CHECK_THAT(build_error("resnet", kSmallResNet, 0),
             Catch::Contains("the task names no classes and there are no pretrained weights to count them from"));
}

TEST_CASE("A pre-trained tensor of the wrong shape is refused with its name, and weights of another depth too") {
  TempFolder folder("vision");
  auto weights = write_resnet_weights(folder / "w.safetensors", 4);
  weights["layer2.0.conv1.weight"] = torch::zeros({128, 64, 1, 1});
  save_safetensors(folder / "wrong.safetensors", weights);
  const auto wrong = (folder / "wrong.safetensors").string();
  CHECK_THAT(build_error("resnet", with(kSmallResNet, "pretrained", wrong), 4),
             Catch::StartsWith("resnet.pretrained = " + wrong +
                               ": tensor 'layer2.0.conv1.weight' has shape "
                               "[128, 64, 1, 1] in the weights but [128, 64, 3, 3] in the model"));

  const auto deeper =
      with(with(kSmallResNet, "depth", std::int64_t{34}), "pretrained", (folder / "w.safetensors").string());
  CHECK_THAT(build_error("resnet", deeper, 4),
             Catch::Contains("tensor(s) of the model are missing: layer1.2.bn1.bias"));
  CHECK_THAT(build_error("resnet", with(kSmallResNet, "pretrained", (folder / "none.safetensors").string()), 4),
             Catch::Contains("none.safetensors is not a file"));
}

TEST_CASE("DataParallel checkpoints (module. prefix) load as pretrained") {
  TempFolder folder("vision");
  const auto weights = write_resnet_weights(folder / "w.safetensors", 4);
  std::map<std::string, at::Tensor> prefixed;
  for (const auto& [name, tensor] : weights) prefixed.emplace("module." + name, tensor);
  save_safetensors(folder / "parallel.safetensors", prefixed);
  auto model = built_model("resnet", with(kSmallResNet, "pretrained", (folder / "parallel.safetensors").string()), 0);
  CHECK(
      torch::equal(state_dict(model->module()).at("layer4.1.bn2.running_var"), weights.at("layer4.1.bn2.running_var")));
}

TEST_CASE("in_channels = 1: the pre-trained first conv's filters are summed over RGB") {
  TempFolder folder("vision");
  const auto weights = write_resnet_weights(folder / "w.safetensors", 4);
  auto model = built_model(
      "resnet",
      with(with(kSmallResNet, "in_channels", std::int64_t{1}), "pretrained", (folder / "w.safetensors").string()), 4);
  const auto first_conv = state_dict(model->module()).at("conv1.weight");
  CHECK(first_conv.sizes() == at::IntArrayRef({64, 1, 3, 3}));
  CHECK(torch::allclose(first_conv, weights.at("conv1.weight").sum(1, true)));

  // RGB images are turned to grayscale and normalised with the average of ImageNet's statistics.
  const auto batch = model->collate(images(2, 32, 32), CollateOptions{});
  CHECK(batch.inputs.sizes() == at::IntArrayRef({2, 1, 32, 32}));
  model->module().eval();
  CHECK(model->forward(batch).sizes() == at::IntArrayRef({2, 4}));
}

TEST_CASE("A checkpoint saved with state_dict and save_safetensors loads back as pretrained, identical") {
  TempFolder folder("vision");
  auto trained = built_model("resnet", kSmallResNet, 5);
  trained->module().train();
  trained->forward(trained->collate(images(4, 40, 48), CollateOptions{Mode::Train, 3}));  // moves BN statistics
  save_safetensors(folder / "checkpoint.safetensors", state_dict(trained->module()));

  auto restored =
      built_model("resnet", with(kSmallResNet, "pretrained", (folder / "checkpoint.safetensors").string()), 5);
  const auto expected = state_dict(trained->module());
  CHECK(expected.at("bn1.num_batches_tracked").item<std::int64_t>() == 1);
  for (const auto& [name, tensor] : state_dict(restored->module())) {
    INFO(name);
    CHECK(torch::equal(tensor, expected.at(name)));
  }
}

TEST_CASE("Evaluation collate: shorter side to resize_size, centre crop, ImageNet normalisation") {
  auto model = make_plugin<Model>("resnet", with(kSmallResNet, "resize_size", std::int64_t{36}));
  const auto examples = images(3, 48, 60);
  const auto batch = model->collate(examples, CollateOptions{Mode::Eval, 1});
  CHECK(batch.inputs.sizes() == at::IntArrayRef({3, 3, 32, 32}));
  CHECK(torch::equal(batch.labels, torch::tensor({0, 1, 2}, torch::kInt64)));
  // By hand: 48x60 -> 36x45, crop rows 2..33 and columns 6..37 (round(6.5) = 6), normalise.
  const auto resized =
      image::resize(image::to_float_image(examples[1].image), 36, 45).narrow(1, 2, 32).narrow(2, 6, 32);
  const auto expected = image::normalize(resized, {0.485, 0.456, 0.406}, {0.229, 0.224, 0.225});
  CHECK(torch::allclose(batch.inputs[1], expected));
  CHECK(torch::equal(model->collate(examples, CollateOptions{Mode::Eval, 2}).inputs, batch.inputs));
}

TEST_CASE("Evaluation collate of same-sized images, done as one batch, equals the image-by-image path exactly") {
  // A batch whose images all have one size is preprocessed at once; one odd-sized image sends the
  // whole batch through the image-by-image path. Both must give the same values, for each
  // channel adaptation (grayscale to RGB, RGB to grayscale, RGBA) and for shrinking and growing.
  for (const auto& [channels, in_channels, height, width] :
       std::vector<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t>>{
           {1, 3, 28, 28}, {3, 1, 48, 60}, {4, 3, 40, 36}, {3, 3, 20, 20}, {1, 1, 30, 26}}) {
    INFO(channels << " -> " << in_channels << " channels, " << height << "x" << width);
    auto model = make_plugin<Model>("resnet", with(with(kSmallResNet, "in_channels", in_channels), "resize_size",
                                                   std::int64_t{36}));
    torch::manual_seed(channels * 100 + height);
    std::vector<Example> same;
    for (std::int64_t i = 0; i < 3; ++i) {
      Example example;
      example.image = torch::randint(0, 256, {channels, height, width}, torch::kUInt8);
      if (channels == 1 && i == 1) example.image = example.image.squeeze(0);  // [H, W] too
      example.label = i;
      same.push_back(example);
    }
    if (channels == 1) same[0].image = same[0].image.squeeze(0);  // all [H, W]: one shape again
    if (channels == 1) same[2].image = same[2].image.squeeze(0);
    auto mixed = same;
    Example odd;
    odd.image = torch::randint(0, 256, {channels, height + 3, width + 1}, torch::kUInt8);
    mixed.push_back(odd);
    const auto batched = model->collate(same, CollateOptions{}).inputs;
    const auto one_by_one = model->collate(mixed, CollateOptions{}).inputs;
    REQUIRE(batched.sizes() == at::IntArrayRef({3, in_channels, 32, 32}));
    CHECK(torch::equal(batched, one_by_one.narrow(0, 0, 3)));
  }
}

TEST_CASE("Training collate is random, but the same seed gives the same batch") {
  auto model = make_plugin<Model>("resnet", kSmallResNet);
  const auto examples = images(4, 48, 60);
  const auto batch = model->collate(examples, CollateOptions{Mode::Train, 11});
  CHECK(batch.inputs.sizes() == at::IntArrayRef({4, 3, 32, 32}));
  CHECK(torch::equal(model->collate(examples, CollateOptions{Mode::Train, 11}).inputs, batch.inputs));
  CHECK_FALSE(torch::equal(model->collate(examples, CollateOptions{Mode::Train, 12}).inputs, batch.inputs));
  CHECK_FALSE(torch::equal(model->collate(examples, CollateOptions{Mode::Eval, 11}).inputs, batch.inputs));
}

TEST_CASE("Loader threads collating at once get the batch one thread gets") {
  auto model = make_plugin<Model>("resnet", kSmallResNet);
  const auto examples = images(6, 48, 60);
  const auto alone = model->collate(examples, CollateOptions{Mode::Train, 21}).inputs;
  std::vector<at::Tensor> together(4);
  std::vector<std::thread> threads;
  for (std::size_t thread = 0; thread < together.size(); ++thread) {
    threads.emplace_back([&, thread] {
      together[thread] = model->collate(examples, CollateOptions{Mode::Train, 21}).inputs;
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& batch : together) CHECK(torch::equal(batch, alone));
}

TEST_CASE("preprocessing_key names every setting, and is empty only for augmented training") {
  auto augmented = make_plugin<Model>("resnet", kSmallResNet);
  CHECK(augmented->preprocessing_key(Mode::Train).empty());
  CHECK(augmented->preprocessing_key(Mode::Eval) ==
        "torchvision_eval:resize=37,center_crop=32,in_channels=3,mean=[0.485,0.456,0.406],std=[0.229,0.224,0.225]");

  auto plain = make_plugin<Model>("resnet", with(kSmallResNet, "augment", false));
  CHECK(plain->preprocessing_key(Mode::Train) == augmented->preprocessing_key(Mode::Eval));
  const auto examples = images(2, 40, 40);
  CHECK(torch::equal(plain->collate(examples, CollateOptions{Mode::Train, 5}).inputs,
                     plain->collate(examples, CollateOptions{Mode::Eval, 6}).inputs));
  auto gray = make_plugin<Model>("resnet", with(kSmallResNet, "in_channels", std::int64_t{1}));
  CHECK(gray->preprocessing_key(Mode::Eval) != augmented->preprocessing_key(Mode::Eval));
}

TEST_CASE("Inconsistent params are refused with what to change") {
  const auto error = [](const Overrides& overrides) {
    try {
      make_plugin<Model>("resnet", overrides);
    } catch (const InputError& problem) {
      return std::string(problem.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error(with(kSmallResNet, "mean", std::vector<double>{0.5, 0.5})),
             Catch::Contains("resnet.mean has 2 value(s) but in_channels = 3: give one value per channel"));
  CHECK_THAT(error(with(kSmallResNet, "in_channels", std::int64_t{2})), Catch::Contains("3 (RGB) or 1 (grayscale)"));
  CHECK_THAT(error(with(kSmallResNet, "depth", std::int64_t{20})), Catch::Contains("resnet.depth must be 18, 34, 50"));
}

TEST_CASE("Layer groups run from input to head and hold every parameter once") {
  struct Expected {
    std::string plugin;
    Overrides overrides;
    std::vector<std::string> groups;
    std::vector<std::string> head_parameters;
  };
  const std::vector<Expected> cases = {
      {"resnet", kSmallResNet, {"stem", "layer1", "layer2", "layer3", "layer4", "head"}, {"fc.weight", "fc.bias"}},
      {"vgg",
       {{"depth", std::int64_t{11}}, {"batch_norm", true}},
       {"stage1", "stage2", "stage3", "stage4", "stage5", "classifier", "head"},
       {"classifier.6.weight", "classifier.6.bias"}},
      {"alexnet",
       {},
       {"stage1", "stage2", "stage3", "classifier", "head"},
       {"classifier.6.weight", "classifier.6.bias"}},
  };
  for (const auto& expected : cases) {
    INFO(expected.plugin);
    auto model = built_model(expected.plugin, expected.overrides, 3);
    const auto groups = model->layer_groups();
    std::vector<std::string> names;
    std::multiset<const void*> grouped;
    for (const auto& group : groups) {
      names.push_back(group.name);
      for (const auto& parameter : group.parameters()) grouped.insert(parameter.unsafeGetTensorImpl());
    }
    CHECK(names == expected.groups);
    std::set<const void*> all;
    for (const auto& parameter : model->module().parameters()) all.insert(parameter.unsafeGetTensorImpl());
    CHECK(grouped.size() == all.size());
    CHECK(std::set<const void*>(grouped.begin(), grouped.end()) == all);
    std::set<const void*> head;
    for (const auto& parameter : groups.back().parameters()) head.insert(parameter.unsafeGetTensorImpl());
    const auto named = model->module().named_parameters();
    CHECK(head == std::set<const void*>{named[expected.head_parameters[0]].unsafeGetTensorImpl(),
                                        named[expected.head_parameters[1]].unsafeGetTensorImpl()});
  }
}

TEST_CASE("features feed the head: forward is head(features)") {
  auto model = built_model("resnet", kSmallResNet, 3);
  model->module().eval();
  const auto batch = model->collate(images(2, 32, 32), CollateOptions{});
  torch::NoGradGuard no_grad;
  const auto features = model->features(batch);
  CHECK(features.sizes() == at::IntArrayRef({2, 512}));
  CHECK(torch::equal(model->forward(batch), model->head(features)));
}
