#include <torch/torch.h>

#include <cmath>

#include "strategy_fixture.hpp"

#include <catch2/catch.hpp>

using namespace graft;
using namespace graft::testing;

namespace {

// Groups that train at each epoch, for `epochs` epochs, after param_groups().
std::vector<Names> training_per_epoch(Model& model, Strategy& strategy, int epochs) {
  strategy.param_groups(model);
  std::vector<Names> per_epoch;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    start_epoch(model, strategy, epoch, epochs);
    per_epoch.push_back(training_groups(model));
    // Whatever does not train is in eval mode, and the reverse.
    Names frozen;
    for (const auto& group : model.layer_groups()) {
      const auto& trains = per_epoch.back();
      if (std::find(trains.begin(), trains.end(), group.name) == trains.end()) frozen.push_back(group.name);
    }
    INFO("epoch " << epoch);
    CHECK(eval_groups(model) == frozen);
  }
  return per_epoch;
}

}  // namespace

TEST_CASE("gradual_unfreeze trains the head first, then one more group from the top each epoch") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("gradual_unfreeze");
  const auto per_epoch = training_per_epoch(*model, *strategy, 5);
  CHECK(per_epoch == std::vector<Names>{{"head"},
                                        {"embedding", "head"},
                                        {"block2", "embedding", "head"},
                                        {"block1", "block2", "embedding", "head"},
                                        {"block1", "block2", "embedding", "head"}});
}

TEST_CASE("gradual_unfreeze with every_epochs 2 unfreezes a group every second epoch") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("gradual_unfreeze", {{"every_epochs", std::int64_t{2}}});
  const auto per_epoch = training_per_epoch(*model, *strategy, 7);
  CHECK(per_epoch == std::vector<Names>{{"head"},
                                        {"head"},
                                        {"embedding", "head"},
                                        {"embedding", "head"},
                                        {"block2", "embedding", "head"},
                                        {"block2", "embedding", "head"},
                                        {"block1", "block2", "embedding", "head"}});
}

TEST_CASE("gradual_unfreeze start_with sets how many top groups train from epoch 0") {
  auto model = built_small_cnn();
  SECTION("two groups") {
    auto strategy = make_plugin<Strategy>("gradual_unfreeze", {{"start_with", std::int64_t{2}}});
    const auto per_epoch = training_per_epoch(*model, *strategy, 3);
    CHECK(per_epoch == std::vector<Names>{{"embedding", "head"},
                                          {"block2", "embedding", "head"},
                                          {"block1", "block2", "embedding", "head"}});
  }
  SECTION("more than the model has: every group from the start") {
    auto strategy = make_plugin<Strategy>("gradual_unfreeze", {{"start_with", std::int64_t{9}}});
    const auto per_epoch = training_per_epoch(*model, *strategy, 2);
    for (const auto& trains : per_epoch) CHECK(trains == Names{"block1", "block2", "embedding", "head"});
  }
}

TEST_CASE("gradual_unfreeze sets the epoch-0 state in param_groups and gives the optimizer every group") {
  auto model = built_small_cnn();
  auto strategy = make_plugin<Strategy>("gradual_unfreeze");
  const auto groups = strategy->param_groups(*model);
  std::vector<std::string> names;
  for (const auto& group : groups) names.push_back(group.name);
  CHECK(names == Names{"block1", "block2", "embedding", "head"});
  for (const auto& group : groups) CHECK(group.lr_scale == 1.0);
  CHECK(training_groups(*model) == Names{"head"});
}

TEST_CASE("gradual_unfreeze composes with discriminative rates: lr_decay^distance from the head") {
  auto model = built_small_cnn();
  const double decay = 0.3;
  auto strategy = make_plugin<Strategy>("gradual_unfreeze", {{"lr_decay", decay}});
  const auto scales = scales_by_name(strategy->param_groups(*model));
  CHECK(scales.at("head") == 1.0);
  CHECK(scales.at("embedding") == Approx(decay));
  CHECK(scales.at("block2") == Approx(decay * decay));
  CHECK(scales.at("block1") == Approx(std::pow(decay, 3)));
  // The rates do not change what unfreezes when.
  start_epoch(*model, *strategy, 1, 4);
  CHECK(training_groups(*model) == Names{"embedding", "head"});
}
