#pragma once
// What the strategy tests share: the built-in small_cnn (layer groups block1, block2, embedding,
// head) built for two classes, a strategy from the built-in folder, an epoch started the way the
// trainer starts one, and the state a strategy leaves: which groups train, which are in eval mode.
#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "graft/model.hpp"
#include "graft/strategy.hpp"
#include "plugins/builtin.hpp"

namespace graft::testing {

inline std::shared_ptr<Model> built_small_cnn() {
  auto model = make_plugin<Model>("small_cnn", {{"channels", std::int64_t{4}}, {"hidden", std::int64_t{8}}});
  model->build(TaskSpec{{"a", "b"}});
  return model;
}

// As the trainer does at the start of each epoch: everything in train mode, then the strategy.
inline void start_epoch(Model& model, Strategy& strategy, int epoch, int total_epochs) {
  model.module().train();
  strategy.on_epoch_start(model, epoch, total_epochs);
}

// Names of the groups whose every parameter requires grad. A group with some parameters
// trainable and others not is a strategy bug: it is listed under "mixed:NAME" so a test fails.
inline std::vector<std::string> training_groups(Model& model) {
  std::vector<std::string> names;
  for (const auto& group : model.layer_groups()) {
    const auto parameters = group.parameters();
    const auto trainable = std::count_if(parameters.begin(), parameters.end(),
                                         [](const at::Tensor& parameter) { return parameter.requires_grad(); });
    if (trainable == static_cast<std::ptrdiff_t>(parameters.size())) names.push_back(group.name);
    else if (trainable > 0) names.push_back("mixed:" + group.name);
  }
  return names;
}

// Names of the groups whose every module (submodules included: BatchNorm, dropout) is in eval
// mode; partly in eval mode is listed as "mixed:NAME".
inline std::vector<std::string> eval_groups(Model& model) {
  std::vector<std::string> names;
  for (const auto& group : model.layer_groups()) {
    std::size_t modules = 0, in_eval = 0;
    for (const auto& top : group.modules) {
      for (const auto& module : top->modules(/*include_self=*/true)) {
        ++modules;
        if (!module->is_training()) ++in_eval;
      }
    }
    if (in_eval == modules) names.push_back(group.name);
    else if (in_eval > 0) names.push_back("mixed:" + group.name);
  }
  return names;
}

// lr_scale of each optimizer group, by name.
inline std::map<std::string, double> scales_by_name(const std::vector<OptimizerGroup>& groups) {
  std::map<std::string, double> scales;
  for (const auto& group : groups) scales[group.name] = group.lr_scale;
  return scales;
}

using Names = std::vector<std::string>;

}  // namespace graft::testing
