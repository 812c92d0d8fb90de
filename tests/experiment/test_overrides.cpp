// --set KEY=VALUE: typed by the key's schema, validated like the file, errors naming the override.
#include <catch2/catch.hpp>

#include "fake_catalog.hpp"

using namespace graft;
using namespace graft::experiment;
using namespace graft::experiment::testing;

namespace {
Trial only_trial(const Experiment& experiment) {
  REQUIRE(experiment.trials.size() == 1);
  return experiment.trials.front();
}
}  // namespace

TEST_CASE("parse_override splits at the first '='", "[experiment][overrides]") {
  Override o = parse_override("experiment.description=a=b");
  CHECK(o.key == "experiment.description");
  CHECK(o.value == "a=b");
  CHECK(o.text == "experiment.description=a=b");
  CHECK_THROWS_WITH(parse_override("train.lr"), "--set train.lr: error: expected KEY=VALUE, e.g. train.lr=3e-4");
  CHECK_THROWS_WITH(parse_override("=3"), "--set =3: error: missing KEY before '=', e.g. train.lr=3e-4");
}

TEST_CASE("override values are typed by the schema", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(
      kBase, {"train.lr=1", "train.epochs=3", "train.deterministic=false", "dataset.classes=[1,2]",
              "train.betas=0.8, 0.9", "train.metrics=f1,loss", "experiment.description=hello world",
              "dataset.path=\"/quoted path\"", "model.channels=64"}));
  const Params& train = trial.tables.at("train");
  CHECK(train.at("lr") == ParamValue{1.0});  // an int is widened where a float is expected
  CHECK(train.get_int("epochs") == 3);
  CHECK_FALSE(train.get_bool("deterministic"));
  CHECK(train.get_float_list("betas") == std::vector<double>{0.8, 0.9});
  CHECK(train.get_string_list("metrics") == std::vector<std::string>{"f1", "loss"});
  CHECK(trial.plugins.at("dataset").params.get_int_list("classes") == std::vector<std::int64_t>{1, 2});
  CHECK(trial.plugins.at("dataset").params.get_string("path") == "/quoted path");
  CHECK(trial.plugins.at("model").params.get_int("channels") == 64);
  CHECK(trial.tables.at("experiment").get_string("description") == "hello world");
}

TEST_CASE("a string override is raw text unless quoted", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(kBase, {"dataset.path=2024", "model.plugin=resnet",
                                                       "model.pretrained=run:fmnist-pretrain"}));
  CHECK(trial.plugins.at("dataset").params.get_string("path") == "2024");
  CHECK(trial.plugins.at("model").params.get_string("pretrained") == "run:fmnist-pretrain");
}

TEST_CASE("an empty list override clears a list", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(kBase + std::string("classes = [1]\n"), {"dataset.classes=[]"}));
  CHECK(trial.plugins.at("dataset").params.get_int_list("classes").empty());
}

TEST_CASE("overriding the plugin validates the table against the new plugin", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(kBase, {"model.plugin=resnet", "model.depth=50"}));
  CHECK(trial.plugins.at("model").plugin == "resnet");
  CHECK(trial.plugins.at("model").params.get_int("depth") == 50);
  CHECK_FALSE(trial.plugins.at("model").params.has("channels"));

  // [model] channels belongs to small_cnn, not to resnet: the file's key is now the error.
  CHECK(error_of(kBase + std::string("[train]\n"), {"model.plugin=resnet", "model.channels=3"}) ==
        "--set model.channels=3: error: unknown key 'channels' in [model]; model plugin 'resnet' takes depth, pretrained");
  std::string text = kBase;
  text.insert(text.find("\n[dataset]"), "channels = 16\n");
  CHECK(error_of(text, {"model.plugin=resnet"}) ==
        "exp.toml:7:1: error: unknown key 'channels' in [model]; model plugin 'resnet' takes depth, pretrained");
}

TEST_CASE("override errors name the override", "[experiment][overrides]") {
  CHECK(error_of(kBase, {"train.epochs=ten"}) == "--set train.epochs=ten: error: 'epochs' must be an int, got a string (\"ten\")");
  CHECK(error_of(kBase, {"train.epochs=2.5"}) == "--set train.epochs=2.5: error: 'epochs' must be an int, got a float (2.5)");
  CHECK(error_of(kBase, {"train.epochs=0"}) == "--set train.epochs=0: error: 'epochs' must be >= 1, got 0");
  CHECK(error_of(kBase, {"trian.lr=1"}) == "--set trian.lr=1: error: unknown table [trian] (did you mean [train]?)");
  CHECK(error_of(kBase, {"train.lr_rate=0.1"}) ==
        "--set train.lr_rate=0.1: error: unknown key 'lr_rate' in [train] (did you mean 'lr'?)");
  CHECK(error_of(kBase, {"model.plugin=resnt"}) ==
        "--set model.plugin=resnt: error: unknown model plugin 'resnt' (did you mean 'resnet'?); available: resnet, "
        "small_cnn");
  CHECK(error_of(kBase, {"dataset.classes=1,x"}) ==
        "--set dataset.classes=1,x: error: 'classes' must be an int list, but element 2 is a string (\"x\")");
  CHECK(error_of(kBase, {"train.optimizer=adamm"}) ==
        "--set train.optimizer=adamm: error: 'optimizer' must be one of \"sgd\", \"adam\", \"adamw\", got \"adamm\" "
        "(did you mean 'adam'?)");
  CHECK(error_of(kBase, {"sweep.lr=[1]"}) == "--set sweep.lr=[1]: error: 'lr' must be TABLE.KEY, e.g. sweep.train.lr");
  CHECK(error_of(kBase, {"sweep.train.lr=[0.1,-1]"}) == "--set sweep.train.lr=[0.1,-1]: error: 'lr' must be >= 0, got -1");
}

TEST_CASE("an override creates a table the file leaves out", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(kBase, {"scheduler.plugin=cosine", "scheduler.warmup_steps=10"}));
  CHECK(trial.plugins.at("scheduler").plugin == "cosine");
  CHECK(trial.plugins.at("scheduler").params.get_int("warmup_steps") == 10);
}

TEST_CASE("sweep overrides replace or add an axis", "[experiment][overrides][sweep]") {
  const std::string text = kBase + std::string("[sweep]\n\"train.lr\" = [0.1, 0.2, 0.3]\n\"train.epochs\" = [1, 2]\n");
  Experiment replaced = resolve_text(text, {"sweep.train.lr=[1e-3,3e-4]"});
  CHECK(replaced.swept_keys == std::vector<std::string>{"train.lr", "train.epochs"});  // keeps its place
  CHECK(replaced.trials.size() == 4);
  CHECK(replaced.trials[0].name == "lr=0.001,epochs=1");

  // Unquoted strings, without brackets: typed by the key's schema.
  Experiment added = resolve_text(text, {"sweep.strategy.plugin=full,freeze_backbone"});
  CHECK(added.swept_keys == std::vector<std::string>{"train.lr", "train.epochs", "strategy.plugin"});
  CHECK(added.trials.size() == 12);
  CHECK(added.trials[1].name == "lr=0.1,epochs=1,strategy=freeze_backbone");

  // Lists of lists for a list-typed key.
  Experiment lists = resolve_text(kBase, {"sweep.dataset.classes=[1,2],[3]"});
  REQUIRE(lists.trials.size() == 2);
  CHECK(lists.trials[1].plugins.at("dataset").params.get_int_list("classes") == std::vector<std::int64_t>{3});
}

TEST_CASE("a fixed override pins a swept key", "[experiment][overrides][sweep]") {
  Experiment pinned = resolve_text(kBase + std::string("[sweep]\n\"train.lr\" = [0.1, 0.2]\n"), {"train.lr=0.5"});
  CHECK(pinned.swept_keys.empty());
  REQUIRE(pinned.trials.size() == 1);
  CHECK(pinned.trials[0].tables.at("train").get_float("lr") == 0.5);
}

TEST_CASE("a later override of one key wins", "[experiment][overrides]") {
  const Trial trial = only_trial(resolve_text(kBase, {"train.epochs=3", "train.epochs=4"}));
  CHECK(trial.tables.at("train").get_int("epochs") == 4);
}

TEST_CASE("an override without a table suggests the table that has the key", "[experiment][overrides]") {
  CHECK(error_of(kBase, {"epochs=2"}) == "--set epochs=2: error: 'epochs' names no table: write TABLE.KEY (did you mean train.epochs?)");
  CHECK(error_of(kBase, {"epoch=2"}) == "--set epoch=2: error: 'epoch' names no table: write TABLE.KEY (did you mean train.epochs?)");
  CHECK(error_of(kBase, {"xyzzy=2"}) == "--set xyzzy=2: error: 'xyzzy' names no table: write TABLE.KEY, e.g. train.lr");
}

TEST_CASE("a list given to a scalar key suggests sweeping it", "[experiment][overrides]") {
  CHECK(error_of(kBase, {"train.lr=1e-3,3e-3"}) ==
        "--set train.lr=1e-3,3e-3: error: 'lr' must be a float, got a string (\"1e-3,3e-3\"); "
        "to try each value, sweep it: --set 'sweep.train.lr=1e-3,3e-3'");
  CHECK(error_of(kBase, {"train.lr=fast"}) == "--set train.lr=fast: error: 'lr' must be a float, got a string (\"fast\")");
}
