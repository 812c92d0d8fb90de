#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "formula_weights.hpp"
#include "graft/batch.hpp"
#include "graft/errors.hpp"
#include "graft/image_transforms.hpp"
#include "references.hpp"

using namespace graft;
using graft::testing::formula_image;
using graft::testing::vision_references;

namespace {

const nlohmann::json& transform_references(const std::string& name) { return vision_references()["transforms"][name]; }

at::Tensor values_tensor(const nlohmann::json& values) {
  return torch::tensor(values.get<std::vector<double>>(), torch::kFloat32);
}

}  // namespace

TEST_CASE("to_float_image scales uint8 to [0, 1] and gives grayscale a channel") {
  const auto image = image::to_float_image(torch::tensor({0, 51, 255}, torch::kUInt8).view({1, 3}));
  CHECK(image.sizes() == at::IntArrayRef({1, 1, 3}));
  CHECK(torch::allclose(image.flatten(), torch::tensor({0.0f, 0.2f, 1.0f})));
  CHECK_THROWS_WITH(image::to_float_image(torch::zeros({3, 2, 2})),
                    Catch::Contains("an image must be a uint8 tensor [C, H, W] or [H, W], got Float"));
}

TEST_CASE("adapt_channels replicates grayscale, weighs RGB as ITU-R 601 and drops alpha") {
  const auto gray = torch::rand({1, 2, 3});
  const auto rgb = image::adapt_channels(gray, 3);
  CHECK(rgb.sizes() == at::IntArrayRef({3, 2, 3}));
  CHECK(torch::equal(rgb[2], gray[0]));

  const auto colour = torch::stack({torch::full({2, 2}, 1.0f), torch::full({2, 2}, 0.5f), torch::zeros({2, 2})});
  const auto luma = image::adapt_channels(colour, 1);
  CHECK(luma.sizes() == at::IntArrayRef({1, 2, 2}));
  CHECK(luma[0][1][1].item<float>() == Approx(0.299 + 0.587 * 0.5));

  const auto rgba = torch::cat({colour, torch::ones({1, 2, 2})});
  CHECK(torch::equal(image::adapt_channels(rgba, 3), colour));
  CHECK_THROWS_WITH(image::adapt_channels(torch::zeros({2, 4, 4}), 3),
                    Catch::Contains("an image has 2 channel(s) but the model takes 3"));
}

TEST_CASE("center_crop starts where torchvision's does, rounding halves to even") {
  for (const auto& reference : transform_references("center_crop")) {
    const auto height = reference["height"].get<std::int64_t>();
    const auto width = reference["width"].get<std::int64_t>();
    const auto crop = reference["crop"].get<std::int64_t>();
    INFO(height << "x" << width << " cropped to " << crop);
    const auto box = image::center_crop_box(height, width, crop);
    CHECK(box.top == reference["top"].get<std::int64_t>());
    CHECK(box.left == reference["left"].get<std::int64_t>());
  }
}

TEST_CASE("center_crop pads an image smaller than the crop with zeros, as torchvision") {
  const auto cropped = image::center_crop(torch::ones({1, 2, 3}), 5);
  CHECK(cropped.sizes() == at::IntArrayRef({1, 5, 5}));
  // Padding: 1 row above, 2 below; 1 column left, 1 right.
  CHECK(torch::equal(cropped[0].sum(1), torch::tensor({0.f, 3.f, 3.f, 0.f, 0.f})));
  CHECK(torch::equal(cropped[0].sum(0), torch::tensor({0.f, 2.f, 2.f, 2.f, 0.f})));
}

// PIL resizes in two passes and rounds to 8 bits after each: up to one level from the exact
// result. A bilinear resize without antialiasing is 80 levels off on this image when shrinking.
TEST_CASE("resize_shorter_side matches PIL's bilinear resize within 1/255") {
  for (const auto& reference : transform_references("resize")) {
    const auto shorter = reference["shorter"].get<std::int64_t>();
    INFO("shorter side " << shorter);
    const auto source = image::to_float_image(
        formula_image(reference["height"].get<std::int64_t>(), reference["width"].get<std::int64_t>()));
    const auto resized = image::resize_shorter_side(source, shorter);
    REQUIRE(resized.sizes().vec() == reference["shape"].get<std::vector<std::int64_t>>());
    const auto difference = (resized.flatten() - values_tensor(reference["values"])).abs();
    CHECK(difference.max().item<double>() <= 1.0 / 255.0 + 1e-6);
    CHECK(difference.mean().item<double>() < 0.5 / 255.0);
  }
}

TEST_CASE("normalize matches torchvision's Normalize") {
  const auto& reference = transform_references("normalize");
  const auto source = image::to_float_image(
      formula_image(reference["height"].get<std::int64_t>(), reference["width"].get<std::int64_t>()));
  const auto normalized = image::normalize(source, reference["mean"].get<std::vector<double>>(),
                                           reference["std"].get<std::vector<double>>());
  CHECK(torch::allclose(normalized.flatten(), values_tensor(reference["values"]), /*rtol=*/0, /*atol=*/1e-6));
  CHECK_THROWS_WITH(image::normalize(source, {0.5}, {0.5}),
                    Catch::Contains("the image has 3 channel(s), got 1 mean(s)"));
}

TEST_CASE("RandomResizedCrop boxes and flips are torchvision's for the same seed") {
  for (const auto& reference : transform_references("random_resized_crop")) {
    const auto height = reference["height"].get<std::int64_t>();
    const auto width = reference["width"].get<std::int64_t>();
    INFO(height << "x" << width << " seed " << reference["seed"]);
    auto generator = image::seeded_generator(reference["seed"].get<std::uint64_t>());
    const auto box = image::random_resized_crop_box(height, width, generator);
    CHECK(box.top == reference["top"].get<std::int64_t>());
    CHECK(box.left == reference["left"].get<std::int64_t>());
    CHECK(box.height == reference["box_height"].get<std::int64_t>());
    CHECK(box.width == reference["box_width"].get<std::int64_t>());
    CHECK(image::draw_horizontal_flip(generator) == reference["flip"].get<bool>());
  }
}

TEST_CASE("training_crop depends only on the example's seed") {
  const auto source = image::to_float_image(formula_image(64, 80));
  const auto crop = [&](const CollateOptions& options, std::size_t position) {
    auto generator = image::example_generator(options, position);
    return image::training_crop(source, 32, generator);
  };
  const auto batch_seeded = [](std::uint64_t seed) {
    CollateOptions options;
    options.seed = seed;
    return options;
  };
  CHECK(crop(batch_seeded(7), 0).sizes() == at::IntArrayRef({3, 32, 32}));
  CHECK(torch::equal(crop(batch_seeded(7), 3), crop(batch_seeded(7), 3)));
  CHECK_FALSE(torch::equal(crop(batch_seeded(7), 3), crop(batch_seeded(7), 4)));
  CHECK_FALSE(torch::equal(crop(batch_seeded(7), 3), crop(batch_seeded(8), 3)));

  SECTION("the engine's per-example seeds win over the batch seed and the position") {
    CollateOptions first = batch_seeded(7);
    first.example_seeds = {11, 12};
    CollateOptions second = batch_seeded(8);
    second.example_seeds = {5, 6, 12};
    CHECK(torch::equal(crop(first, 1), crop(second, 2)));
    CHECK_FALSE(torch::equal(crop(first, 0), crop(second, 2)));
  }
}

TEST_CASE("evaluation_crop resizes the shorter side then crops the centre") {
  const auto source = image::to_float_image(formula_image(40, 60));
  const auto cropped = image::evaluation_crop(source, 20, 16);
  CHECK(cropped.sizes() == at::IntArrayRef({3, 16, 16}));
  const auto resized = image::resize(source, 20, 30);
  CHECK(torch::equal(cropped, resized.narrow(1, 2, 16).narrow(2, 7, 16)));
}
