// Resolved trials: defaults, flat keys, canonical TOML and its hash, [plugins] paths.
#include <catch2/catch.hpp>

#include <fstream>

#include "fake_catalog.hpp"

using namespace graft;
using namespace graft::experiment;
using namespace graft::experiment::testing;

TEST_CASE("every table is resolved with its defaults", "[experiment][resolve]") {
  Experiment experiment = resolve_text(kBase);
  CHECK(experiment.name == "fmnist");
  CHECK(experiment.description.empty());
  CHECK(experiment.file == "exp.toml");
  const Trial& trial = experiment.trials.at(0);
  CHECK(trial.plugins.at("model").plugin == "small_cnn");
  CHECK(trial.plugins.at("model").params.get_int("channels") == 32);
  CHECK(trial.plugins.at("model").params.get_float("dropout") == 0.25);
  CHECK(trial.plugins.at("strategy").plugin == "full");      // default plugin
  CHECK(trial.plugins.at("scheduler").plugin == "constant");  // default plugin, with its table's extras
  CHECK(trial.plugins.at("scheduler").params.get_int("warmup_steps") == 0);
  CHECK(trial.tables.at("train").get_string("optimizer") == "adamw");
  CHECK(trial.tables.at("train").get_float_list("betas") == std::vector<double>{0.9, 0.999});
  CHECK(trial.tables.at("experiment").get_int("repeats") == 1);
}

TEST_CASE("an integer is accepted where a float is expected", "[experiment][resolve]") {
  const Trial trial =
      resolve_text(kBase + std::string("[train]\nlr = 1\nbetas = [1, 0.5]\n")).trials.at(0);
  CHECK(trial.tables.at("train").at("lr") == ParamValue{1.0});
  CHECK(trial.tables.at("train").at("betas") == ParamValue{std::vector<double>{1.0, 0.5}});
}

TEST_CASE("engine extras of a plugin table are accepted", "[experiment][resolve]") {
  const Trial trial =
      resolve_text(kBase + std::string("[scheduler]\nplugin = \"cosine\"\nwarmup_steps = 50\n")).trials.at(0);
  CHECK(trial.plugins.at("scheduler").params.get_int("warmup_steps") == 50);
  CHECK(trial.plugins.at("scheduler").params.get_float("min_factor") == 0.0);
}

TEST_CASE("flat holds every resolved key, dotted and sorted", "[experiment][resolve]") {
  const Trial trial = resolve_text(kBase).trials.at(0);
  std::vector<std::string> keys;
  for (const auto& [key, value] : trial.flat) keys.push_back(key);
  CHECK(keys == std::vector<std::string>{
                    "dataset.classes", "dataset.path", "dataset.plugin", "dataset.train_per_class",
                    "dataset.validation_fraction", "experiment.description", "experiment.name",
                    "experiment.repeats", "experiment.seed", "model.channels", "model.dropout", "model.plugin",
                    "scheduler.plugin", "scheduler.warmup_steps", "strategy.plugin", "train.batch_size",
                    "train.betas", "train.deterministic", "train.epochs", "train.lr", "train.metrics",
                    "train.optimizer"});
}

TEST_CASE("the canonical TOML is sorted and complete", "[experiment][resolve]") {
  const Trial trial = resolve_text(kBase).trials.at(0);
  CHECK(trial.config_toml == R"([dataset]
classes = []
path = "/data/fmnist"
plugin = "idx"
train_per_class = 0
validation_fraction = 0.1

[experiment]
description = ""
name = "fmnist"
repeats = 1
seed = 1

[model]
channels = 32
dropout = 0.25
plugin = "small_cnn"

[scheduler]
plugin = "constant"
warmup_steps = 0

[strategy]
plugin = "full"

[train]
batch_size = 32
betas = [0.9, 0.999]
deterministic = true
epochs = 10
lr = 0.001
metrics = ["accuracy"]
optimizer = "adamw"
)");
  CHECK(trial.config_hash.size() == 64);
}

TEST_CASE("the config hash depends on the resolved config only", "[experiment][resolve]") {
  const std::string hash = resolve_text(kBase).trials.at(0).config_hash;
  // Other order, spelled-out defaults, comments, an int for a float, [plugins]: same config.
  const std::string same = R"(# the same experiment
[dataset]
path = "/data/fmnist"
plugin = "idx"
[model]
plugin = "small_cnn"
channels = 32
[train]
lr = 0.001
epochs = 10
[plugins]
paths = ["elsewhere"]
[experiment]
seed = 1
name = "fmnist"
)";
  CHECK(resolve_text(same).trials.at(0).config_hash == hash);
  CHECK(resolve_text(kBase, {"train.lr=0.002"}).trials.at(0).config_hash != hash);
  // Trials of a sweep differ by their seed.
  std::string repeated = kBase;
  repeated.insert(repeated.find("seed"), "repeats = 2\n");
  Experiment two = resolve_text(repeated);
  CHECK(two.trials[0].config_hash != two.trials[1].config_hash);
}

TEST_CASE("the canonical TOML reads back as the same config", "[experiment][resolve]") {
  // A control character in a string must be escaped for the text to be TOML at all.
  const Trial trial = resolve_text(kBase, {"experiment.description=\"tab\\there, bell\\u0007\"", "train.lr=3e-4",
                                           "dataset.classes=[3,1]"})
                          .trials.at(0);
  CHECK(trial.tables.at("experiment").get_string("description") == "tab\there, bell\a");
  const Trial again = resolve_text(trial.config_toml).trials.at(0);
  CHECK(again.config_toml == trial.config_toml);
  CHECK(again.config_hash == trial.config_hash);
}

TEST_CASE("[plugins] paths are resolved relative to the file's folder", "[experiment][plugins]") {
  auto file = ExperimentFile::parse("[plugins]\npaths = [\"../plugins/build\", \"/opt/graft\", \"here\"]\n",
                                    "/work/exps/fmnist.toml");
  CHECK(file.plugin_paths() == std::vector<std::filesystem::path>{"/work/plugins/build", "/opt/graft", "/work/exps/here"});
  CHECK(ExperimentFile::parse(kBase, "/work/exps/fmnist.toml").plugin_paths().empty());

  // Given with --set, relative to the current folder.
  auto overridden = ExperimentFile::parse(kBase, "/work/exps/fmnist.toml", {parse_override("plugins.paths=mine")});
  CHECK(overridden.plugin_paths() ==
        std::vector<std::filesystem::path>{(std::filesystem::current_path() / "mine").lexically_normal()});
}

TEST_CASE("[plugins] paths are checked before resolve", "[experiment][plugins]") {
  auto file = ExperimentFile::parse("[plugins]\npaths = \"../plugins\"\n", "exp.toml");
  CHECK_THROWS_WITH(file.plugin_paths(), "exp.toml:2:9: error: 'paths' must be a string list, got a string (\"../plugins\")");
  CHECK(error_of(kBase + std::string("[plugins]\npath = [\"x\"]\n")) ==
        "exp.toml:12:1: error: unknown key 'path' in [plugins] (did you mean 'paths'?)");
  CHECK(resolve_text(kBase + std::string("[plugins]\npaths = []\n")).plugin_paths.empty());
}

TEST_CASE("load reads a file and names it in errors", "[experiment][resolve]") {
  auto folder = std::filesystem::temp_directory_path() / "graft-experiment-test";
  std::filesystem::create_directories(folder);
  auto path = folder / "bad.toml";
  {
    std::ofstream out(path);
    out << kBase << "[train]\nepochs = 0\n";
  }
  try {
    resolve(ExperimentFile::load(path), fake_catalog());
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == path.string() + ":12:10: error: 'epochs' must be >= 1, got 0");
  }
  CHECK_THROWS_WITH(ExperimentFile::load(folder), folder.string() + ": error: not a file; an experiment is one TOML file");
  std::filesystem::remove_all(folder);
}
