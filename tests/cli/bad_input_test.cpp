#include <catch2/catch.hpp>

#include <fstream>

#include "experiment_files.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using graft::testing::run_graft;

namespace {
// Runs graft on a file and checks: exit 2, one error line, no store created.
std::string refused(const std::filesystem::path& folder, const std::vector<std::string>& args) {
  const auto finished = run_graft(folder, args);
  INFO(finished.err);
  CHECK(finished.status == 2);
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
  CHECK_FALSE(std::filesystem::exists(folder / "graft-runs"));
  return finished.err;
}
}  // namespace

TEST_CASE("an unknown key is one positioned line with a suggestion, exit 2, no store") {
  graft::testing::TempFolder folder("cli-bad-key");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), "epoch = 3\n");
  const auto err = refused(folder.path(), {"run", file.string()});
  // The stray key is appended to [train] as line 22 of the file.
  CHECK_THAT(err, Catch::StartsWith(file.string() + ":22:1: error: unknown key 'epoch' in [train] (did you mean 'epochs'?)"));
}

TEST_CASE("a TOML syntax error names its position") {
  graft::testing::TempFolder folder("cli-syntax");
  const auto file = folder / "broken.toml";
  std::ofstream(file) << "[experiment]\nname = \"x\"\nseed = = 3\n";
  const auto err = refused(folder.path(), {"validate", file.string()});
  CHECK_THAT(err, Catch::StartsWith(file.string() + ":3:"));
}

TEST_CASE("wrong types, ranges and plugins in files and --set are refused before anything runs") {
  graft::testing::TempFolder folder("cli-bad-values");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  CHECK_THAT(refused(folder.path(), {"run", file.string(), "--set", "train.epochs=0"}),
             Catch::Contains("--set train.epochs=0: error: 'epochs' must be >= 1, got 0"));
  CHECK_THAT(refused(folder.path(), {"run", file.string(), "--set", "train.epochs=many"}),
             Catch::Contains("--set train.epochs=many: error:"));
  CHECK_THAT(refused(folder.path(), {"run", file.string(), "--set", "model.plugin=small_cn"}),
             Catch::Contains("did you mean 'small_cnn'?"));
  // A bad dataset path is only found when the plugin loads: still before the store is touched.
  CHECK_THAT(refused(folder.path(), {"run", file.string(), "--set", "dataset.path=/nonexistent"}),
             Catch::Contains("/nonexistent is not a folder"));
}

TEST_CASE("a strategy that needs a teacher is refused without a [teacher] table, before anything runs") {
  graft::testing::TempFolder folder("cli-no-teacher");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  CHECK(refused(folder.path(), {"run", file.string(), "--set", "strategy.plugin=distillation"}) ==
        "--set strategy.plugin=distillation: error: strategy plugin 'distillation' of [strategy] needs a [teacher] "
        "table (the trained model whose logits it learns from, e.g. pretrained = \"run:NAME\"); add one, or choose "
        "another strategy\n");
  CHECK_THAT(refused(folder.path(), {"validate", file.string(), "--set", "strategy.plugin=distillation"}),
             Catch::Contains("needs a [teacher] table"));
}

TEST_CASE("a class listed twice is refused at validation, naming both positions") {
  graft::testing::TempFolder folder("cli-repeated-class");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  CHECK(refused(folder.path(), {"run", file.string(), "--set", "dataset.classes=[0, 2, 0]"}) ==
        "--set dataset.classes=[0, 2, 0]: error: 'classes' lists 0 twice (items 1 and 3); name each once\n");
}

TEST_CASE("a store whose folder does not exist is refused before any data loads") {
  graft::testing::TempFolder folder("cli-store-folder");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto store = folder / "no-such-folder" / "graft.db";
  const auto finished = graft::testing::run_graft(folder.path(), {"run", file.string(), "--db", store.string()});
  CHECK(finished.status == 2);
  CHECK_THAT(finished.err, Catch::Contains("error: cannot create the results store " + store.string() +
                                           ": its folder " + (folder / "no-such-folder").string() + " does not exist"));
  CHECK_THAT(finished.err, !Catch::Contains("idx:"));  // the dataset never loaded
  CHECK_FALSE(std::filesystem::exists(folder / "no-such-folder"));
}
