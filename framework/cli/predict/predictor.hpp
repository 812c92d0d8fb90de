#pragma once
// The model `graft predict` runs: rebuilt from a run in the store (its config, classes and
// checkpoint), or a model plugin with params and optional weights.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "graft/model.hpp"
#include "host/registry.hpp"

namespace graft::cli {

// Called with the model plugin and its name once it is created, before build() loads weights: a
// command checks there that the model suits its inputs (throwing InputError).
using ModelCheck = std::function<void(const Model& model, const std::string& name)>;

struct Predictor {
  std::shared_ptr<Model> model;  // built, weights loaded, in eval mode
  std::string model_name;        // plugin name
  std::vector<std::string> classes;
};

// From run `run_id`: the model table of its config, the class names it recorded, and its
// checkpoint `which` ("best" or "last"). The model's own `pretrained` param is ignored: the
// checkpoint replaces every weight.
Predictor predictor_from_run(const std::filesystem::path& store_path, std::int64_t run_id, const std::string& which,
                             const std::vector<std::string>& plugin_paths, const ModelCheck& check = {});

// From a model plugin: params given as KEY=VALUE (typed by the plugin's schema), weights from
// `weights` (a .safetensors state dict, or a model folder such as a Hugging Face checkpoint; set
// as the model's `pretrained` param) when not empty. Without a run the class count is the
// checkpoint head's; the classes are named 0..N-1, or as the id2label of a folder's config.json.
// An empty `plugin` is the one model_of_folder(weights) names.
Predictor predictor_from_plugin(const std::string& plugin, const std::vector<std::string>& settings,
                                const std::string& weights, const std::vector<std::string>& plugin_paths,
                                const ModelCheck& check = {});

// The params of model `plugin`: its schema's defaults, `settings` (KEY=VALUE or model.KEY=VALUE,
// typed by the schema) and `weights` as `pretrained` when not empty. Throws InputError for an
// unknown key (with a suggestion), a bad value or a required param left out.
Params model_params(const host::Registry& registry, const std::string& plugin, const std::vector<std::string>& settings,
                    const std::string& weights);

// The model plugin a folder of weights is for, when it tells (a Hugging Face folder's
// config.json model_type, if a model plugin of that name is loaded); empty otherwise.
std::string model_of_folder(const host::Registry& registry, const std::string& weights);

}  // namespace graft::cli
