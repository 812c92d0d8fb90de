#include <catch2/catch.hpp>

#include <torch/torch.h>

#include <set>

#include "builtin.hpp"
#include "graft/model.hpp"

using namespace graft;
using graft::testing::make_plugin;

namespace {
std::vector<Example> blank_images(int count, int size) {
  std::vector<Example> examples;
  for (int i = 0; i < count; ++i) {
    Example example;
    example.image = torch::full({1, size, size}, 255, torch::kUInt8);
    example.label = i % 3;
    examples.push_back(example);
  }
  return examples;
}
}  // namespace

TEST_CASE("small_cnn collates, normalises and classifies into the task's classes") {
  auto model = make_plugin<Model>("small_cnn", {{"image_size", std::int64_t{8}}, {"mean", 0.5}, {"std", 0.25}});
  model->build(TaskSpec{{"a", "b", "c"}});
  const auto batch = model->collate(blank_images(4, 8), CollateOptions{});
  CHECK(batch.inputs.sizes() == at::IntArrayRef({4, 1, 8, 8}));
  CHECK(batch.inputs.max().item<float>() == Approx(2.0));  // (1 - 0.5) / 0.25
  CHECK(batch.labels.sizes() == at::IntArrayRef({4}));
  model->module().eval();
  const auto logits = model->forward(batch);
  CHECK(logits.sizes() == at::IntArrayRef({4, 3}));
  CHECK(torch::allclose(logits, model->head(model->features(batch))));
}

TEST_CASE("small_cnn's layer groups cover every parameter once, head last") {
  auto model = make_plugin<Model>("small_cnn");
  model->build(TaskSpec{{"a", "b"}});
  const auto groups = model->layer_groups();
  REQUIRE(groups.back().name == "head");
  std::set<const void*> seen;
  std::size_t count = 0;
  for (const auto& group : groups) {
    for (const auto& parameter : group.parameters()) {
      seen.insert(parameter.unsafeGetTensorImpl());
      ++count;
    }
  }
  CHECK(count == seen.size());
  CHECK(count == model->module().parameters().size());
}

TEST_CASE("small_cnn refuses images of another size with a hint") {
  auto model = make_plugin<Model>("small_cnn");
  model->build(TaskSpec{{"a", "b"}});
  CHECK_THROWS_WITH(model->collate(blank_images(2, 8), CollateOptions{}),
                    Catch::Contains("small_cnn expects 1x28x28 images, got 1x8x8"));
}

TEST_CASE("small_cnn initialises the same weights for the same seed") {
  auto build = [](std::uint64_t seed) {
    torch::manual_seed(seed);
    auto model = make_plugin<Model>("small_cnn");
    model->build(TaskSpec{{"a", "b"}});
    return model->module().parameters()[0].clone();
  };
  CHECK(torch::equal(build(3), build(3)));
  CHECK_FALSE(torch::equal(build(3), build(4)));
}
