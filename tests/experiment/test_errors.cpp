// Every error an experiment file can raise: one line, at the offending key or value.
#include <catch2/catch.hpp>

#include "fake_catalog.hpp"

using namespace graft::experiment;
using namespace graft::experiment::testing;

namespace {
// kBase plus one more table, which starts at line 11.
std::string with(const std::string& more) { return std::string(kBase) + more; }
}  // namespace

TEST_CASE("a TOML syntax error is reported at its position", "[experiment][errors]") {
  CHECK(error_of("[train]\nepochs = = 3\n") ==
        "exp.toml:2:10: error: Error while parsing value: could not determine value type");
}

TEST_CASE("values outside a table and arrays of tables are refused", "[experiment][errors]") {
  CHECK(error_of("name = \"x\"\n") ==
        "exp.toml:1:1: error: key 'name' is outside any table; put it under its table, e.g. [experiment]");
  CHECK(error_of("[[train]]\nepochs = 1\n") == "exp.toml:1:3: error: [[train]] is a list of tables; write [train]");
}

TEST_CASE("an unknown table suggests the nearest known one", "[experiment][errors]") {
  CHECK(error_of(with("[trian]\nepochs = 3\n")) == "exp.toml:11:1: error: unknown table [trian] (did you mean [train]?)");
  CHECK(error_of(with("[zzz]\n")) ==
        "exp.toml:11:1: error: unknown table [zzz]; known tables: dataset, experiment, model, plugins, scheduler, "
        "strategy, sweep, tasks.NAME, train");
}

TEST_CASE("an unknown key is reported at the key, with did-you-mean or the known keys", "[experiment][errors]") {
  CHECK(error_of(with("[train]\nlr_rate = 0.1\n")) ==
        "exp.toml:12:1: error: unknown key 'lr_rate' in [train] (did you mean 'lr'?)");
  CHECK(error_of(with("[train]\n  epochz = 3\n")) ==
        "exp.toml:12:3: error: unknown key 'epochz' in [train] (did you mean 'epochs'?)");
  CHECK(error_of(with("[train]\nxyzzy = 1\n")) ==
        "exp.toml:12:1: error: unknown key 'xyzzy' in [train]; known keys: epochs, batch_size, lr, optimizer, betas, "
        "deterministic, metrics");
  // A plugin table lists what its plugin takes, engine extras included.
  CHECK(error_of(with("[scheduler]\nplugin = \"cosine\"\nxyzzy = 1\n")) ==
        "exp.toml:13:1: error: unknown key 'xyzzy' in [scheduler]; scheduler plugin 'cosine' takes min_factor, "
        "warmup_steps");
  CHECK(error_of(with("[strategy]\nxyzzy = 1\n")) ==
        "exp.toml:12:1: error: unknown key 'xyzzy' in [strategy]; strategy plugin 'full' takes no keys");
}

TEST_CASE("a value of the wrong type is reported at the value", "[experiment][errors]") {
  CHECK(error_of(with("[train]\nepochs = \"ten\"\n")) ==
        "exp.toml:12:10: error: 'epochs' must be an int, got a string (\"ten\")");
  CHECK(error_of(with("[train]\nepochs = 8.5\n")) == "exp.toml:12:10: error: 'epochs' must be an int, got a float (8.5)");
  CHECK(error_of(with("[train]\ndeterministic = 1\n")) ==
        "exp.toml:12:17: error: 'deterministic' must be a bool, got an int (1)");
  CHECK(error_of(with("[train]\nlr = [1, 2]\n")) == "exp.toml:12:6: error: 'lr' must be a float, got an int list ([1, 2])");
  CHECK(error_of(with("[train]\nlr = 2024-01-01\n")) == "exp.toml:12:6: error: 'lr' must be a float, got a date");
  CHECK(error_of(with("[train]\nbetas = 0.9\n")) ==
        "exp.toml:12:9: error: 'betas' must be a float list, got a float (0.9)");
}

TEST_CASE("list elements are typed one by one, at their own position", "[experiment][errors]") {
  CHECK(error_of(with("[train]\nmetrics = [\"f1\", 3]\n")) ==
        "exp.toml:12:18: error: 'metrics' must be a string list, but element 2 is an int (3)");
  // A float where ints are expected is not truncated.
  CHECK(error_of(kBase + std::string("classes = [1, 2.5]\n")) ==
        "exp.toml:11:15: error: 'classes' must be an int list, but element 2 is a float (2.5)");
}

TEST_CASE("a value out of range is reported with ParamSpec::check's text", "[experiment][errors]") {
  CHECK(error_of(with("[train]\nepochs = 0\n")) == "exp.toml:12:10: error: 'epochs' must be >= 1, got 0");
  CHECK(error_of(with("[train]\nlr = -0.5\n")) == "exp.toml:12:6: error: 'lr' must be >= 0, got -0.5");
  // The element that is out of range, not the whole list.
  CHECK(error_of(kBase + std::string("classes = [1, 12, 3]\n")) == "exp.toml:11:15: error: 'classes' must be <= 9, got 12");
}

TEST_CASE("a value that is not a choice suggests the nearest one", "[experiment][errors]") {
  CHECK(error_of(with("[train]\noptimizer = \"adamm\"\n")) ==
        "exp.toml:12:13: error: 'optimizer' must be one of \"sgd\", \"adam\", \"adamw\", got \"adamm\" (did you mean 'adam'?)");
  CHECK(error_of(with("[train]\nmetrics = [\"accuracy\", \"f2\"]\n")) ==
        "exp.toml:12:24: error: 'metrics' must be one of \"accuracy\", \"f1\", \"loss\", got \"f2\" (did you mean 'f1'?)");
}

TEST_CASE("an unknown plugin names the nearest and every available one", "[experiment][errors]") {
  std::string text = kBase;
  text.replace(text.find("small_cnn"), 9, "resnt");
  CHECK(error_of(text) ==
        "exp.toml:6:10: error: unknown model plugin 'resnt' (did you mean 'resnet'?); available: resnet, small_cnn");
  CHECK(error_of(with("[strategy]\nplugin = \"finetune\"\n")) ==
        "exp.toml:12:10: error: unknown strategy plugin 'finetune'; available: freeze_backbone, full, gradual_unfreeze");
  CHECK(error_of(with("[strategy]\nplugin = 3\n")) == "exp.toml:12:10: error: 'plugin' must be a string, got an int (3)");
}

TEST_CASE("missing tables and keys", "[experiment][errors]") {
  CHECK(error_of("[experiment]\nname = \"x\"\n\n[dataset]\nplugin = \"idx\"\npath = \"p\"\n") ==
        "exp.toml:1:1: error: missing table [model]");
  CHECK(error_of("[model]\nplugin = \"resnet\"\n[dataset]\nplugin = \"idx\"\npath = \"p\"\n") ==
        "exp.toml:1:1: error: missing table [experiment]");
  CHECK(error_of("[experiment]\nseed = 1\n[model]\nplugin = \"resnet\"\n") ==
        "exp.toml:1:1: error: missing key 'name' in [experiment]");
  CHECK(error_of("[experiment]\nname = \"x\"\n[model]\nplugin = \"resnet\"\n[dataset]\nplugin = \"idx\"\n") ==
        "exp.toml:5:1: error: missing key 'path' in [dataset] (required by dataset plugin 'idx')");
  CHECK(error_of("[experiment]\nname = \"x\"\n[model]\ndepth = 18\n") ==
        "exp.toml:3:1: error: missing key 'plugin' in [model]; available model plugins: resnet, small_cnn");
}

TEST_CASE("repeats below one are refused", "[experiment][errors]") {
  CHECK(error_of(kBase) == "no error");
  std::string text = kBase;
  text.insert(text.find("seed"), "repeats = 0\n");
  CHECK(error_of(text) == "exp.toml:3:11: error: 'repeats' must be >= 1, got 0");
}

TEST_CASE("sweep errors point at the sweep key or the bad element", "[experiment][errors][sweep]") {
  CHECK(error_of(with("[sweep]\n\"train.lr\" = [0.1, -1]\n")) == "exp.toml:12:20: error: 'lr' must be >= 0, got -1");
  CHECK(error_of(with("[sweep]\n\"train.epochs\" = [1, \"two\"]\n")) ==
        "exp.toml:12:22: error: 'epochs' must be an int, got a string (\"two\")");
  CHECK(error_of(with("[sweep]\n\"train.lrr\" = [0.1]\n")) ==
        "exp.toml:12:1: error: unknown key 'train.lrr' in [sweep] (did you mean 'train.lr'?)");
  CHECK(error_of(with("[sweep]\n\"train.learning_rate\" = [0.1]\n")) ==
        "exp.toml:12:1: error: unknown key 'train.learning_rate' in [sweep] (did you mean 'train.lr'?)");
  CHECK(error_of(with("[sweep]\n\"trian.lr\" = [0.1]\n")) ==
        "exp.toml:12:1: error: unknown table [trian] (did you mean [train]?) in sweep key 'trian.lr'");
  CHECK(error_of(with("[sweep]\nlr = [0.1]\n")) ==
        "exp.toml:12:1: error: sweep key 'lr' must be \"TABLE.KEY\", e.g. \"train.lr\" (or several, comma-separated, to link them)");
  CHECK(error_of(with("[sweep]\n\"train.lr\" = 0.1\n")) ==
        "exp.toml:12:14: error: sweep 'train.lr' must be a list of values, got a float (0.1)");
  CHECK(error_of(with("[sweep]\n\"train.lr\" = []\n")) == "exp.toml:12:14: error: sweep 'train.lr' has no values");
  CHECK(error_of(with("[sweep]\n\"model.plugin\" = [\"resnet\", \"resnt\"]\n")) ==
        "exp.toml:12:29: error: unknown model plugin 'resnt' (did you mean 'resnet'?); available: resnet, small_cnn");
  CHECK(error_of(with("[sweep]\n\"experiment.repeats\" = [1, 2]\n")) ==
        "exp.toml:12:1: error: 'experiment.repeats' cannot be swept; of [experiment], only seed can");
  CHECK(error_of(with("[sweep]\n\"plugins.paths\" = [[\"a\"]]\n")) == "exp.toml:12:1: error: [plugins] cannot be swept");
  CHECK(error_of(with("[sweep]\n\"train.lr\" = [0.1]\ntrain.lr = [0.2]\n")) ==
        "exp.toml:13:7: error: sweep key 'train.lr' is declared twice");
}

TEST_CASE("a key that no swept plugin takes is an error", "[experiment][errors][sweep]") {
  CHECK(error_of(with("[strategy]\nxyzzy = 2\n[sweep]\n\"strategy.plugin\" = [\"full\", \"gradual_unfreeze\"]\n")) ==
        "exp.toml:12:1: error: unknown key 'xyzzy' in [strategy]; no swept strategy plugin (full, gradual_unfreeze) "
        "takes it");
  // A value must suit every swept plugin that has the key.
  CHECK(error_of(with("[strategy]\nunfreeze_every = 0\n[sweep]\n\"strategy.plugin\" = [\"full\", \"gradual_unfreeze\"]\n")) ==
        "exp.toml:12:18: error: 'unfreeze_every' must be >= 1, got 0");
}

TEST_CASE("a missing file is one line too", "[experiment][errors]") {
  try {
    ExperimentFile::load("/nonexistent/exp.toml");
    FAIL("no error");
  } catch (const ConfigError& error) {
    CHECK(std::string(error.what()) == "/nonexistent/exp.toml: error: no such experiment file");
  }
}
