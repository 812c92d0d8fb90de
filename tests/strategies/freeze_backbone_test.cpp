#include <torch/torch.h>

#include "strategy_fixture.hpp"

#include <catch2/catch.hpp>

using namespace graft;
using namespace graft::testing;

TEST_CASE("freeze_backbone gives the optimizer the head alone, at scale 1") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("freeze_backbone");
  const auto groups = strategy->param_groups(*model);
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].name == "head");
  CHECK(groups[0].lr_scale == 1.0);
  CHECK(groups[0].parameters.size() == model->layer_groups().back().parameters().size());
  CHECK(training_groups(*model) == Names{"head"});
}

TEST_CASE("freeze_backbone trains the head only and keeps the backbone in eval mode at every epoch") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("freeze_backbone");
  strategy->param_groups(*model);
  for (int epoch = 0; epoch < 3; ++epoch) {
    INFO("epoch " << epoch);
    start_epoch(*model, *strategy, epoch, 3);
    CHECK(training_groups(*model) == Names{"head"});
    CHECK(eval_groups(*model) == Names{"block1", "block2", "embedding"});
  }
}

TEST_CASE("freeze_backbone keeps the running statistics of frozen BatchNorm through a training forward pass") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("freeze_backbone");
  strategy->param_groups(*model);
  start_epoch(*model, *strategy, 0, 1);
  const auto buffers_before = [&] {
    std::vector<at::Tensor> copies;
    for (const auto& buffer : model->module().buffers()) copies.push_back(buffer.clone());
    return copies;
  }();
  REQUIRE(!buffers_before.empty());

  Batch batch;
  batch.inputs = torch::randn({4, 1, 28, 28}) * 3 + 1;  // far from the initial mean 0 / variance 1
  batch.labels = torch::tensor({0, 1, 0, 1}, torch::kInt64);
  strategy->loss(*model, batch, model->forward(batch)).backward();

  const auto buffers_after = model->module().buffers();
  for (std::size_t i = 0; i < buffers_after.size(); ++i) CHECK(torch::equal(buffers_after[i], buffers_before[i]));
  // The backbone got no gradient; the head did.
  for (const auto& parameter : model->layer_groups().front().parameters()) CHECK(!parameter.grad().defined());
  for (const auto& parameter : model->layer_groups().back().parameters()) CHECK(parameter.grad().defined());
}

TEST_CASE("full trains every group again after a freezing strategy left some frozen") {
  auto model = built_small_cnn();
  make_plugin<Strategy>("freeze_backbone")->param_groups(*model);
  auto strategy = make_plugin<Strategy>("full");
  const auto groups = strategy->param_groups(*model);
  CHECK(groups.size() == 4);
  for (const auto& group : groups) CHECK(group.lr_scale == 1.0);
  start_epoch(*model, *strategy, 0, 1);
  CHECK(training_groups(*model) == Names{"block1", "block2", "embedding", "head"});
  CHECK(eval_groups(*model).empty());
}
