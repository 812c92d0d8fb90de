#pragma once
// The model `graft predict` runs: rebuilt from a run in the store (its config, classes and
// checkpoint), or a model plugin with params and optional weights.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "graft/model.hpp"
#include "registry.hpp"

namespace graft::cli {

struct Predictor {
  std::shared_ptr<Model> model;  // built, weights loaded, in eval mode
  std::string model_name;        // plugin name
  std::vector<std::string> classes;
};

// From run `run_id`: the model table of its config, the class names it recorded, and its
// checkpoint `which` ("best" or "last"). The model's own `pretrained` param is ignored: the
// checkpoint replaces every weight.
Predictor predictor_from_run(const std::filesystem::path& store_path, std::int64_t run_id, const std::string& which,
                             const std::vector<std::string>& plugin_paths);

// From a model plugin: params given as KEY=VALUE (typed by the plugin's schema), weights from
// `weights` (a .safetensors state dict, set as the model's `pretrained` param) when not empty.
// Without a run the class count is the checkpoint head's, and the classes are named 0..N-1.
Predictor predictor_from_plugin(const std::string& plugin, const std::vector<std::string>& settings,
                                const std::string& weights, const std::vector<std::string>& plugin_paths);

}  // namespace graft::cli
