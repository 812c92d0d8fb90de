#pragma once
// Building the vision plugins in tests: tasks, params from the references file, examples.
#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "builtin.hpp"
#include "graft/model.hpp"

namespace graft::testing {

using Overrides = std::vector<std::pair<std::string, ParamValue>>;

inline TaskSpec task_with_classes(std::size_t count) {
  TaskSpec task;
  for (std::size_t index = 0; index < count; ++index) task.class_names.push_back("class" + std::to_string(index));
  return task;
}

// {"depth": 18, "batch_norm": false} -> overrides.
inline Overrides overrides_from_json(const nlohmann::json& params) {
  Overrides overrides;
  for (const auto& [key, value] : params.items()) {
    if (value.is_boolean()) {
      overrides.emplace_back(key, value.get<bool>());
    } else {
      overrides.emplace_back(key, value.get<std::int64_t>());
    }
  }
  return overrides;
}

inline std::shared_ptr<Model> built_model(const std::string& plugin, const Overrides& overrides, std::size_t classes) {
  auto model = make_plugin<Model>(plugin, overrides);
  model->build(task_with_classes(classes));
  return model;
}

inline Example example_of(at::Tensor image, std::int64_t label = 0) {
  Example example;
  example.image = std::move(image);
  example.label = label;
  return example;
}

}  // namespace graft::testing
