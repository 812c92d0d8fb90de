#include "fake_catalog.hpp"

#include <map>
#include <utility>

namespace graft::experiment::testing {
namespace {

using Plugins = std::map<std::pair<PluginKind, std::string>, ParamSchema>;

const Plugins& plugins() {
  static const Plugins all = {
      {{PluginKind::Model, "small_cnn"},
       {int_param("channels", 32, "width of the first conv").between(1, 512),
        float_param("dropout", 0.25, "dropout before the head").between(0, 1)}},
      {{PluginKind::Model, "resnet"},
       {int_param("depth", 18, "18, 34 or 50 layers").between(10, 200),
        string_param("pretrained", "", "weights to start from")}},
      {{PluginKind::Dataset, "idx"},
       {required_param("path", ParamType::String, "folder of IDX files"),
        int_list_param("classes", {}, "classes to keep (all when empty)").between(0, 9),
        int_param("train_per_class", 0, "examples per class (0: all)").at_least(0),
        float_param("validation_fraction", 0.1, "share of train held out").between(0, 1)}},
      {{PluginKind::Strategy, "full"}, {}},
      {{PluginKind::Strategy, "freeze_backbone"}, {float_param("head_lr_mult", 1.0, "head LR factor").at_least(0)}},
      {{PluginKind::Strategy, "gradual_unfreeze"},
       {int_param("unfreeze_every", 1, "epochs between unfreezing groups").at_least(1),
        float_param("head_lr_mult", 1.0, "head LR factor").at_least(0)}},
      {{PluginKind::Scheduler, "constant"}, {}},
      {{PluginKind::Scheduler, "cosine"}, {float_param("min_factor", 0.0, "floor of the factor").between(0, 1)}},
  };
  return all;
}

SchemaCatalog make_catalog() {
  SchemaCatalog catalog;
  catalog.engine_tables["experiment"] = {
      required_param("name", ParamType::String, "experiment name"),
      string_param("description", "", "one line"),
      int_param("seed", 0, "seed of the first repeat").at_least(0),
      int_param("repeats", 1, "trials per grid point, one per seed").between(1, 100),
  };
  catalog.engine_tables["train"] = {
      int_param("epochs", 10, "passes over the training split").between(1, 1000),
      int_param("batch_size", 32, "examples per step").at_least(1),
      float_param("lr", 1e-3, "base learning rate").at_least(0),
      string_param("optimizer", "adamw", "sgd, adam or adamw").one_of({"sgd", "adam", "adamw"}),
      float_list_param("betas", {0.9, 0.999}, "Adam betas").between(0, 1),
      bool_param("deterministic", true, "deterministic kernels"),
      string_list_param("metrics", {"accuracy"}, "metrics to record").one_of({"accuracy", "f1", "loss"}),
  };
  catalog.plugin_tables = {{"model", PluginKind::Model},
                           {"dataset", PluginKind::Dataset},
                           {"strategy", PluginKind::Strategy},
                           {"scheduler", PluginKind::Scheduler}};
  catalog.default_plugins = {{"strategy", "full"}, {"scheduler", "constant"}};
  catalog.plugin_table_extras["scheduler"] = {int_param("warmup_steps", 0, "linear warmup steps").at_least(0)};
  catalog.plugin_table_families = {{"tasks", PluginKind::Dataset}};
  catalog.plugin_table_extras["tasks"] = {float_param("weight", 1.0, "the task's weight").at_least(0)};
  catalog.find_plugin = [](PluginKind kind, const std::string& name) -> const ParamSchema* {
    auto it = plugins().find({kind, name});
    return it == plugins().end() ? nullptr : &it->second;
  };
  catalog.plugin_names = [](PluginKind kind) {
    std::vector<std::string> names;
    for (const auto& [id, schema] : plugins())
      if (id.first == kind) names.push_back(id.second);
    return names;
  };
  return catalog;
}

std::vector<Override> overrides_of(const std::vector<std::string>& texts) {
  std::vector<Override> out;
  for (const auto& text : texts) out.push_back(parse_override(text));
  return out;
}

}  // namespace

const SchemaCatalog& fake_catalog() {
  static const SchemaCatalog catalog = make_catalog();
  return catalog;
}

Experiment resolve_text(const std::string& toml, const std::vector<std::string>& overrides) {
  return resolve(ExperimentFile::parse(toml, "exp.toml", overrides_of(overrides)), fake_catalog());
}

std::string error_of(const std::string& toml, const std::vector<std::string>& overrides) {
  try {
    resolve_text(toml, overrides);
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace graft::experiment::testing
