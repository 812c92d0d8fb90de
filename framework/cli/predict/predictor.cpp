#include "cli/predict/predictor.hpp"

#include <fstream>
#include <thread>

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <torch/nn/module.h>

#include "engine/checkpoint.hpp"
#include "experiment/conversion.hpp"
#include "engine/engine_schema.hpp"
#include "cli/experiment_loader.hpp"
#include "experiment/experiment.hpp"
#include "graft/errors.hpp"
#include "graft/storage/store.hpp"
#include "experiment/suggestions.hpp"

namespace graft::cli {
namespace {

std::vector<std::string> classes_of(const std::vector<storage::ParamRow>& params) {
  for (const auto& param : params) {
    if (param.key != "task.classes") continue;
    const auto* text = std::get_if<std::string>(&param.value);
    if (!text) break;
    experiment::RawValue raw;
    raw.kind = experiment::RawValue::Kind::Text;
    raw.text = *text;
    const auto value = experiment::convert(experiment::split_list_text(raw),
                                           string_list_param("task.classes", {}, "class names"));
    return std::get<std::vector<std::string>>(value);
  }
  return {};
}

std::vector<std::string> numbered_classes(std::size_t count) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < count; ++i) names.push_back(std::to_string(i));
  return names;
}

// The class count a model was built with: the output size of its head's last weight.
std::size_t head_size(const std::vector<LayerGroup>& groups) {
  for (auto it = groups.back().modules.rbegin(); it != groups.back().modules.rend(); ++it) {
    for (const auto& parameter : (*it)->parameters()) {
      if (parameter.dim() >= 1) return static_cast<std::size_t>(parameter.size(0));
    }
  }
  throw InputError("model has no head parameters to tell its class count");
}

std::vector<std::string> keys_of(const ParamSchema& schema) {
  std::vector<std::string> keys;
  for (const auto& spec : schema) keys.push_back(spec.key);
  return keys;
}

// A model folder's config.json (Hugging Face's), or null when there is none or it is not JSON.
nlohmann::json folder_config(const std::string& weights) {
  const std::filesystem::path file = std::filesystem::path(weights) / "config.json";
  if (weights.empty() || !std::filesystem::is_regular_file(file)) return nullptr;
  std::ifstream in(file);
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

// id2label of a folder's config.json when it names exactly `count` classes 0..count-1.
std::vector<std::string> folder_class_names(const std::string& weights, std::size_t count) {
  const auto config = folder_config(weights);
  if (!config.is_object() || !config.contains("id2label") || !config["id2label"].is_object()) return {};
  const auto& id2label = config["id2label"];
  std::vector<std::string> names;
  for (std::size_t id = 0; id < count; ++id) {
    const auto found = id2label.find(std::to_string(id));
    if (found == id2label.end() || !found->is_string()) return {};
    names.push_back(found->get<std::string>());
  }
  return id2label.size() == count ? names : std::vector<std::string>{};
}

void prepare(Predictor& predictor) {
  at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  predictor.model->module().eval();
}

}  // namespace

Predictor predictor_from_run(const std::filesystem::path& store_path, std::int64_t run_id, const std::string& which,
                             const std::vector<std::string>& plugin_paths, const ModelCheck& check) {
  const auto store = storage::Store::open(store_path, storage::Store::Access::ReadOnly);
  const auto run = store.get_run(run_id);
  if (!run) throw InputError(fmt::format("no run {} in {}", run_id, store_path.string()));
  std::filesystem::path checkpoint;
  std::vector<std::string> kept;  // the model checkpoints the run recorded
  for (const auto& artifact : run->artifacts) {
    if (artifact.name == which) checkpoint = artifact.path;
    const bool model_checkpoint = artifact.name != "backbone" && artifact.name.rfind("task_heads.", 0) != 0 &&
                                  artifact.name.rfind("features.", 0) != 0;
    if (model_checkpoint) kept.push_back(artifact.name);
  }
  if (checkpoint.empty()) {
    throw InputError(fmt::format("run {} has no '{}' checkpoint (status {}); it has: {}", run_id, which,
                                 storage::status_name(run->summary.status),
                                 kept.empty() ? std::string("none") : fmt::format("{}", fmt::join(kept, ", "))));
  }
  auto registry = registry_for_run(store_path, run_id, plugin_paths);

  const auto file = experiment::ExperimentFile::parse(run->config_toml, fmt::format("run {} config", run_id));
  const auto resolved = experiment::resolve(file, engine::make_catalog(registry));
  auto choice = resolved.trials.at(0).plugins.at("model");
  // The checkpoint replaces every weight: do not load (or look for) the pre-trained file. A
  // pre-trained folder stays: it also holds what a checkpoint does not (a text model's config
  // and tokenizer).
  if (choice.params.has("pretrained") && std::holds_alternative<std::string>(choice.params.at("pretrained")) &&
      !std::filesystem::is_directory(std::get<std::string>(choice.params.at("pretrained")))) {
    choice.params.set("pretrained", std::string());
  }
  Predictor predictor;
  predictor.model_name = choice.plugin;
  predictor.classes = classes_of(run->params);
  predictor.model = registry.create_as<Model>(choice.plugin, choice.params, PluginContext{});
  if (check) check(*predictor.model, choice.plugin);
  if (predictor.classes.empty()) {
    throw InputError(fmt::format("run {} did not record its class names (it was made by an older graft); use "
                                 "--model {} --weights {}",
                                 run_id, choice.plugin, checkpoint.string()));
  }
  predictor.model->build(TaskSpec{predictor.classes});
  engine::load_checkpoint(predictor.model->module(), checkpoint);
  prepare(predictor);
  return predictor;
}

Params model_params(const host::Registry& registry, const std::string& plugin, const std::vector<std::string>& settings,
                    const std::string& weights) {
  const auto& description = registry.get(PluginKind::Model, plugin);
  Params params = Params::defaults(description.schema);
  for (const auto& setting : settings) {
    auto override = experiment::parse_override(setting);
    if (override.key.rfind("model.", 0) == 0) override.key.erase(0, 6);
    const auto* spec = find_spec(description.schema, override.key);
    if (!spec) {
      throw InputError(fmt::format("--set {}: model '{}' has no param '{}'{}", setting, plugin, override.key,
                                   experiment::did_you_mean(override.key, keys_of(description.schema))));
    }
    experiment::RawValue raw;
    raw.kind = experiment::RawValue::Kind::Text;
    raw.text = override.value;
    raw.at.origin = "--set " + setting;
    raw.at.from_override = true;
    params.set(override.key, experiment::convert(raw, *spec));
  }
  if (!weights.empty()) {
    if (!find_spec(description.schema, "pretrained")) {
      throw InputError(fmt::format("model '{}' has no `pretrained` param to load --weights into", plugin));
    }
    params.set("pretrained", weights);
  }
  for (const auto& spec : description.schema) {
    if (spec.required() && !params.has(spec.key)) {
      throw InputError(fmt::format("model '{}' needs --set model.{}=...", plugin, spec.key));
    }
  }
  return params;
}

std::string model_of_folder(const host::Registry& registry, const std::string& weights) {
  const auto config = folder_config(weights);
  if (!config.is_object() || !config.contains("model_type") || !config["model_type"].is_string()) return {};
  const auto type = config["model_type"].get<std::string>();
  return registry.find(PluginKind::Model, type) != nullptr ? type : std::string();
}

Predictor predictor_from_plugin(const std::string& plugin, const std::vector<std::string>& settings,
                                const std::string& weights, const std::vector<std::string>& plugin_paths,
                                const ModelCheck& check) {
  auto registry = load_registry(plugin_paths);
  const std::string model = plugin.empty() ? model_of_folder(registry, weights) : plugin;
  if (model.empty()) {
    throw InputError(fmt::format("--weights {}: give --model PLUGIN too (no config.json naming a loaded model plugin "
                                 "in it)",
                                 weights));
  }
  const Params params = model_params(registry, model, settings, weights);
  Predictor predictor;
  predictor.model_name = model;
  predictor.model = registry.create_as<Model>(model, params, PluginContext{});
  if (check) check(*predictor.model, model);
  predictor.model->build(TaskSpec{});  // no classes: as many as the weights' head has
  const std::size_t classes = head_size(predictor.model->layer_groups());
  predictor.classes = folder_class_names(weights, classes);
  if (predictor.classes.empty()) predictor.classes = numbered_classes(classes);
  prepare(predictor);
  return predictor;
}

}  // namespace graft::cli
