#include <torch/torch.h>

#include <cmath>

#include "strategy_fixture.hpp"

#include <catch2/catch.hpp>

using namespace graft;
using namespace graft::testing;

TEST_CASE("discriminative_lr scales each group by decay^distance from the head, 0.5 by default") {
  auto model = built_small_cnn();
  const auto& registry = builtin_registry();
  const auto decay = std::get<double>(*find_spec(registry.get(PluginKind::Strategy, "discriminative_lr").schema,
                                                 "decay")->default_value);
  CHECK(decay == 0.5);
  const auto scales = scales_by_name(make_plugin<Strategy>("discriminative_lr")->param_groups(*model));
  REQUIRE(scales.size() == 4);
  CHECK(scales.at("head") == 1.0);
  CHECK(scales.at("embedding") == Approx(decay));
  CHECK(scales.at("block2") == Approx(decay * decay));
  CHECK(scales.at("block1") == Approx(std::pow(decay, 3)));
}

TEST_CASE("discriminative_lr head_lr_scale multiplies the head alone") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("discriminative_lr", {{"decay", 0.2}, {"head_lr_scale", 10.0}});
  const auto scales = scales_by_name(strategy->param_groups(*model));
  CHECK(scales.at("head") == Approx(10.0));
  CHECK(scales.at("embedding") == Approx(0.2));
  CHECK(scales.at("block1") == Approx(0.008));
}

TEST_CASE("discriminative_lr trains every group in train mode at every epoch, even after a freeze") {
  auto model = built_small_cnn();
  make_plugin<Strategy>("freeze_backbone")->param_groups(*model);
  auto strategy = make_plugin<Strategy>("discriminative_lr");
  strategy->param_groups(*model);
  for (int epoch = 0; epoch < 2; ++epoch) {
    INFO("epoch " << epoch);
    start_epoch(*model, *strategy, epoch, 2);
    CHECK(training_groups(*model) == Names{"block1", "block2", "embedding", "head"});
    CHECK(eval_groups(*model).empty());
  }
}
