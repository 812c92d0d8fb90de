// Sweep expansion: cartesian product in declaration order, repeats innermost, names and seeds.
#include <catch2/catch.hpp>

#include "fake_catalog.hpp"

using namespace graft;
using namespace graft::experiment;
using namespace graft::experiment::testing;

namespace {
std::vector<std::string> names(const Experiment& experiment) {
  std::vector<std::string> out;
  for (const auto& trial : experiment.trials) out.push_back(trial.name);
  return out;
}
// kBase with the fake `resnet` model, which has a `pretrained` param.
std::string with_resnet() {
  std::string text = kBase;
  const std::string small_cnn = "plugin = \"small_cnn\"";
  return text.replace(text.find(small_cnn), small_cnn.size(), "plugin = \"resnet\"");
}
}  // namespace

TEST_CASE("a grid times repeats, first key slowest and seeds innermost", "[experiment][sweep]") {
  std::string text = kBase;
  text.insert(text.find("seed"), "repeats = 2\n");
  text += "[sweep]\n\"strategy.plugin\" = [\"freeze_backbone\", \"full\"]\n\"train.lr\" = [3e-4, 1e-3]\n";
  Experiment experiment = resolve_text(text);
  CHECK(experiment.swept_keys == std::vector<std::string>{"strategy.plugin", "train.lr", "seed"});
  CHECK(names(experiment) == std::vector<std::string>{
                                 "strategy=freeze_backbone,lr=0.0003,seed=1",
                                 "strategy=freeze_backbone,lr=0.0003,seed=2",
                                 "strategy=freeze_backbone,lr=0.001,seed=1",
                                 "strategy=freeze_backbone,lr=0.001,seed=2",
                                 "strategy=full,lr=0.0003,seed=1",
                                 "strategy=full,lr=0.0003,seed=2",
                                 "strategy=full,lr=0.001,seed=1",
                                 "strategy=full,lr=0.001,seed=2",
                             });
  for (std::size_t i = 0; i < experiment.trials.size(); ++i) {
    const Trial& trial = experiment.trials[i];
    CHECK(trial.index == static_cast<int>(i));
    CHECK(trial.seed == 1 + i % 2);
    CHECK(trial.tables.at("experiment").get_int("seed") == static_cast<std::int64_t>(trial.seed));
  }
  CHECK(experiment.trials[0].plugins.at("strategy").plugin == "freeze_backbone");
  CHECK(experiment.trials[0].tables.at("train").get_float("lr") == 3e-4);
  CHECK(experiment.trials[7].plugins.at("strategy").plugin == "full");
  CHECK(experiment.trials[7].tables.at("train").get_float("lr") == 1e-3);
}

TEST_CASE("without a sweep the name is the seed", "[experiment][sweep]") {
  Experiment one = resolve_text(kBase);
  CHECK(one.swept_keys.empty());
  CHECK(names(one) == std::vector<std::string>{"seed=1"});

  std::string text = kBase;
  text.insert(text.find("seed"), "repeats = 3\n");
  Experiment repeated = resolve_text(text);
  CHECK(repeated.swept_keys == std::vector<std::string>{"seed"});
  CHECK(names(repeated) == std::vector<std::string>{"seed=1", "seed=2", "seed=3"});
}

TEST_CASE("with a sweep and one repeat the seed is left out of names", "[experiment][sweep]") {
  Experiment experiment = resolve_text(kBase + std::string("[sweep]\n\"model.channels\" = [8, 16]\n"));
  CHECK(names(experiment) == std::vector<std::string>{"channels=8", "channels=16"});
  CHECK(experiment.trials[1].seed == 1);
}

TEST_CASE("unquoted dotted sweep keys are axes too, in declaration order", "[experiment][sweep]") {
  Experiment experiment =
      resolve_text(kBase + std::string("[sweep]\ntrain.lr = [0.1]\nmodel.channels = [8]\ntrain.epochs = [2]\n"));
  CHECK(experiment.swept_keys == std::vector<std::string>{"train.lr", "model.channels", "train.epochs"});
}

TEST_CASE("a swept experiment.seed moves the repeats' seeds", "[experiment][sweep]") {
  std::string text = kBase;
  text.insert(text.find("seed"), "repeats = 2\n");
  Experiment experiment = resolve_text(text + "[sweep]\n\"experiment.seed\" = [10, 20]\n");
  CHECK(names(experiment) == std::vector<std::string>{"experiment.seed=10,seed=10", "experiment.seed=10,seed=11",
                                                       "experiment.seed=20,seed=20", "experiment.seed=20,seed=21"});
}

TEST_CASE("keys of a plugin table apply only to the swept plugins that have them", "[experiment][sweep]") {
  Experiment experiment = resolve_text(
      kBase + std::string("[strategy]\nunfreeze_every = 2\nhead_lr_mult = 10\n"
                          "[sweep]\n\"strategy.plugin\" = [\"full\", \"freeze_backbone\", \"gradual_unfreeze\"]\n"));
  REQUIRE(experiment.trials.size() == 3);
  CHECK(experiment.trials[0].plugins.at("strategy").params.values().empty());
  const Params& freeze = experiment.trials[1].plugins.at("strategy").params;
  CHECK(freeze.values().size() == 1);
  CHECK(freeze.get_float("head_lr_mult") == 10.0);
  const Params& gradual = experiment.trials[2].plugins.at("strategy").params;
  CHECK(gradual.get_int("unfreeze_every") == 2);
  CHECK(gradual.get_float("head_lr_mult") == 10.0);
}

TEST_CASE("a swept key of one swept plugin is allowed", "[experiment][sweep]") {
  Experiment experiment = resolve_text(
      kBase + std::string("[sweep]\n\"strategy.plugin\" = [\"full\", \"gradual_unfreeze\"]\n"
                          "\"strategy.unfreeze_every\" = [1, 3]\n"));
  REQUIRE(experiment.trials.size() == 4);
  CHECK(experiment.trials[3].name == "strategy=gradual_unfreeze,unfreeze_every=3");
  CHECK(experiment.trials[3].plugins.at("strategy").params.get_int("unfreeze_every") == 3);
  CHECK_FALSE(experiment.trials[1].plugins.at("strategy").params.has("unfreeze_every"));
}

TEST_CASE("a sweep value replaces the table's value", "[experiment][sweep]") {
  Experiment experiment = resolve_text(kBase + std::string("[train]\nlr = 0.5\n[sweep]\n\"train.lr\" = [1, 0.25]\n"));
  CHECK(names(experiment) == std::vector<std::string>{"lr=1", "lr=0.25"});
  CHECK(experiment.trials[0].tables.at("train").at("lr") == ParamValue{1.0});
}

TEST_CASE("trial names use the short key unless it would collide with another axis or the seed", "[experiment][sweep]") {
  // Swept alone, experiment.seed is just "seed"; with repeats it keeps its key (see above).
  Experiment experiment = resolve_text(kBase + std::string("[sweep]\n\"experiment.seed\" = [10, 20]\n"
                                                           "\"scheduler.plugin\" = [\"cosine\"]\n"));
  CHECK(names(experiment) == std::vector<std::string>{"seed=10,scheduler=cosine", "seed=20,scheduler=cosine"});
}

TEST_CASE("more repeats or another description keep the config hash of each trial", "[experiment][sweep]") {
  std::string three = kBase;
  three.insert(three.find("seed"), "repeats = 3\n");
  std::string five = kBase;
  five.insert(five.find("seed"), "repeats = 5\ndescription = \"now five\"\n");
  const Experiment before = resolve_text(three), after = resolve_text(five);
  REQUIRE(after.trials.size() == 5);
  for (int index = 0; index < 3; ++index) CHECK(after.trials[index].config_hash == before.trials[index].config_hash);
  CHECK(after.trials[3].config_hash != before.trials[2].config_hash);
  // The recorded config still says what was asked for.
  CHECK_THAT(after.trials[0].config_toml, Catch::Contains("repeats = 5"));
}

TEST_CASE("linked axes move in step, and with the other axes as a grid", "[experiment][sweep]") {
  std::string text = with_resnet();
  text += R"([sweep]
"dataset.train_per_class" = [10, 100]
"strategy.plugin, model.pretrained" = [["full", ""], ["full", "w.safetensors"], ["freeze_backbone", "w.safetensors"]]
)";
  Experiment experiment = resolve_text(text);
  CHECK(experiment.swept_keys == std::vector<std::string>{"dataset.train_per_class", "strategy.plugin", "model.pretrained"});
  CHECK(names(experiment) == std::vector<std::string>{
                                 "train_per_class=10,strategy=full,pretrained=",
                                 "train_per_class=10,strategy=full,pretrained=w.safetensors",
                                 "train_per_class=10,strategy=freeze_backbone,pretrained=w.safetensors",
                                 "train_per_class=100,strategy=full,pretrained=",
                                 "train_per_class=100,strategy=full,pretrained=w.safetensors",
                                 "train_per_class=100,strategy=freeze_backbone,pretrained=w.safetensors",
                             });
  const Trial& frozen = experiment.trials[5];
  CHECK(frozen.plugins.at("strategy").plugin == "freeze_backbone");
  CHECK(frozen.plugins.at("model").params.get_string("pretrained") == "w.safetensors");
  CHECK(frozen.plugins.at("dataset").params.get_int("train_per_class") == 100);
  CHECK(experiment.trials[0].plugins.at("model").params.get_string("pretrained").empty());
}

TEST_CASE("an override replaces a linked axis however its commas are spaced", "[experiment][sweep]") {
  const std::string text = with_resnet() + R"([sweep]
"strategy.plugin, model.pretrained" = [["full", ""], ["full", "w.safetensors"]]
)";
  for (const std::string key : {"sweep.strategy.plugin,model.pretrained", "sweep.strategy.plugin ,  model.pretrained",
                                "sweep.strategy.plugin, model.pretrained"}) {
    INFO(key);
    const Experiment experiment = resolve_text(text, {key + "=[[\"freeze_backbone\", \"w.safetensors\"]]"});
    CHECK(names(experiment) == std::vector<std::string>{"strategy=freeze_backbone,pretrained=w.safetensors"});
  }
}

TEST_CASE("linked axes: each value lists one value per key, and no key is swept twice", "[experiment][sweep]") {
  const std::string base = with_resnet();
  CHECK(error_of(base + "[sweep]\n\"strategy.plugin, model.pretrained\" = [[\"full\", \"\"], [\"full\"]]\n") ==
        "exp.toml:12:54: error: each value of the linked sweep 'strategy.plugin, model.pretrained' must be a list of "
        "2 values (one per key), got a string list ([\"full\"])");
  CHECK(error_of(base + "[sweep]\n\"model.depth\" = [18, 34]\n\"model.depth, model.pretrained\" = [[18, \"\"]]\n") ==
        "exp.toml:13:1: error: 'model.depth' is swept twice");
  CHECK(error_of(base + "[sweep]\n\"model.depth, model.pretrained\" = [[18, \"\"], [999, \"\"]]\n") ==
        "exp.toml:12:47: error: 'depth' must be <= 200, got 999");
  CHECK(error_of(base + "[sweep]\n\"strategy.plugin, model.pretrained\" = [[\"full\", \"\"]]\n", {"strategy.plugin=full"}) ==
        "--set strategy.plugin=full: error: 'strategy.plugin' is linked with other keys in the sweep 'strategy.plugin, "
        "model.pretrained': replace that whole axis with --set 'sweep.strategy.plugin, model.pretrained=[[...], "
        "...]' instead");
}
