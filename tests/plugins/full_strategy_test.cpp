#include <catch2/catch.hpp>

#include "builtin.hpp"
#include "graft/model.hpp"
#include "graft/strategy.hpp"

using namespace graft;
using graft::testing::make_plugin;

TEST_CASE("full trains every layer group at scale 1") {
  auto model = make_plugin<Model>("small_cnn");
  model->build(TaskSpec{{"a", "b"}});
  for (auto& parameter : model->module().parameters()) parameter.set_requires_grad(false);
  auto strategy = make_plugin<Strategy>("full");
  const auto groups = strategy->param_groups(*model);
  CHECK(groups.size() == model->layer_groups().size());
  for (const auto& group : groups) CHECK(group.lr_scale == 1.0);
  for (const auto& parameter : model->module().parameters()) CHECK(parameter.requires_grad());
}
