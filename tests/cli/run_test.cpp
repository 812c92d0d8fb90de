#include <catch2/catch.hpp>

#include <algorithm>

#include "experiment_files.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::run_graft;

namespace {

const storage::FinalMetric* find_metric(const storage::RunDetails& run, const std::string& key) {
  for (const auto& metric : run.final_metrics)
    if (metric.key == key) return &metric;
  return nullptr;
}

const storage::ParamRow* find_param(const storage::RunDetails& run, const std::string& key) {
  for (const auto& param : run.params)
    if (param.key == key) return &param;
  return nullptr;
}

// Every metric value of a run, in step order: what must not change between identical runs.
std::vector<std::pair<std::string, double>> metric_values(const std::filesystem::path& db, std::int64_t run) {
  const auto store = storage::Store::open(db, storage::Store::Access::ReadOnly);
  const auto result = store.query("SELECT key, step, value FROM metrics WHERE run_id = " + std::to_string(run) +
                                  " ORDER BY key, step");
  std::vector<std::pair<std::string, double>> values;
  for (const auto& row : result.rows) {
    values.emplace_back(std::get<std::string>(row[0]) + "@" + storage::to_text(row[1]), std::get<double>(row[2]));
  }
  return values;
}

}  // namespace

TEST_CASE("graft run trains, and the store holds the config, params, per-epoch metrics and checkpoints") {
  graft::testing::TempFolder folder("cli-run");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.out, Catch::Contains("completed"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 1);
  const auto run = store.get_run(runs[0].id);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK(run->summary.experiment == "tiny");
  CHECK(run->summary.seed == 5);
  CHECK_THAT(run->config_toml, Catch::Contains("lr = 0.01"));
  CHECK(run->config_hash.size() == 64);

  // Params: every resolved key, defaults included, typed.
  REQUIRE(find_param(*run, "train.lr"));
  CHECK(std::get<double>(find_param(*run, "train.lr")->value) == Approx(0.01));
  CHECK(std::get<std::int64_t>(find_param(*run, "train.epochs")->value) == 3);
  CHECK(std::get<std::string>(find_param(*run, "model.plugin")->value) == "small_cnn");
  CHECK(find_param(*run, "train.weight_decay"));  // a default the file did not write

  // One row per epoch with validation metrics; the test split measured once, with the best
  // checkpoint, recorded at the best epoch.
  REQUIRE(run->epochs.size() == 3);
  REQUIRE(find_metric(*run, "best.epoch"));
  const auto best_epoch = static_cast<std::int64_t>(find_metric(*run, "best.epoch")->value);
  for (const auto& epoch : run->epochs) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : epoch.metrics) keys.push_back(key);
    for (const char* key : {"train.loss", "val.accuracy", "val.macro_f1", "lr"}) {
      CHECK(std::count(keys.begin(), keys.end(), key) == 1);
    }
    CHECK(std::count(keys.begin(), keys.end(), "test.accuracy") == (epoch.epoch == best_epoch ? 1 : 0));
  }
  REQUIRE(find_metric(*run, "test.accuracy"));
  CHECK(find_metric(*run, "test.accuracy")->value == find_metric(*run, "best.test.accuracy")->value);
  // The data is easy: the best checkpoint classifies the test split well.
  REQUIRE(find_metric(*run, "best.test.accuracy"));
  CHECK(find_metric(*run, "best.test.accuracy")->value > 0.9);

  // Plugins recorded with their files and hashes; checkpoints as artifacts.
  CHECK(run->plugins.size() == 4);
  for (const auto& plugin : run->plugins) CHECK(plugin.sha256.size() == 64);
  REQUIRE(run->artifacts.size() == 2);
  for (const auto& artifact : run->artifacts) CHECK(std::filesystem::exists(artifact.path));
  CHECK(std::filesystem::exists(folder / "graft-runs" / std::to_string(run->summary.id) / "best.safetensors"));
}

TEST_CASE("the same config and seed give identical metrics, another seed does not") {
  graft::testing::TempFolder folder("cli-determinism");
  const auto file = graft::testing::write_tiny_experiment(folder.path(), "\n[sweep]\n\"train.lr\" = [0.01]\n");
  // Two loader threads and two intra-op threads: determinism must not depend on who prepares what.
  for (int i = 0; i < 2; ++i) {
    // --rerun: the second run repeats a completed trial on purpose.
    const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--rerun", "--set",
                                                    "train.threads=2", "--set", "train.loader_threads=2"});
    INFO(finished.err);
    REQUIRE(finished.status == 0);
  }
  const auto other = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "experiment.seed=6"});
  REQUIRE(other.status == 0);
  const auto first = metric_values(folder / "graft.db", 1);
  CHECK(first.size() > 10);
  CHECK(first == metric_values(folder / "graft.db", 2));
  CHECK(first != metric_values(folder / "graft.db", 3));
}

TEST_CASE("a sweep with repeats runs one trial per combination and seed, named by its values") {
  graft::testing::TempFolder folder("cli-sweep");
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), "\n[sweep]\n\"scheduler.plugin\" = [\"constant\", \"cosine\"]\n");
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=1",
                                                  "--set", "experiment.repeats=2"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 4);
  CHECK(runs[0].trial == "scheduler=constant,seed=5");
  CHECK(runs[1].trial == "scheduler=constant,seed=6");
  CHECK(runs[3].trial == "scheduler=cosine,seed=6");
}

TEST_CASE("a NaN or infinite loss fails the run with the step, or is skipped and counted") {
  graft::testing::TempFolder folder("cli-diverge");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  // An absurd learning rate: the weights overflow within a few steps.
  const std::vector<std::string> explode = {"run", file.string(), "--no-progress", "--set", "train.optimizer=sgd",
                                            "--set", "train.momentum=0", "--set", "train.lr=1e30"};
  const auto stopped = run_graft(folder.path(), explode);
  INFO(stopped.err);
  CHECK(stopped.status == 1);
  auto with_skip = explode;
  with_skip.insert(with_skip.end(), {"--set", "train.on_nonfinite_loss=skip"});
  const auto skipped = run_graft(folder.path(), with_skip);
  INFO(skipped.err);
  CHECK(skipped.status == 0);

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto runs = store.list_runs();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].status == storage::RunStatus::Failed);
  CHECK_THAT(runs[0].error, Catch::StartsWith("diverged at step "));
  CHECK(runs[1].status == storage::RunStatus::Completed);
  const auto run = store.get_run(runs[1].id);
  REQUIRE(find_metric(*run, "train.skipped_batches"));
  CHECK(find_metric(*run, "train.skipped_batches")->value > 0);
}

TEST_CASE("early stopping ends a run that stopped improving, completed, with the reason recorded") {
  graft::testing::TempFolder folder("cli-early-stopping");
  // Validation accuracy cannot improve by more than 0.5 twice: it stops after the second epoch.
  const auto file = graft::testing::write_tiny_experiment(folder.path(), "early_stopping_patience = 1\n"
                                                                         "early_stopping_min_delta = 0.5\n");
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=10"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(1);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK_THAT(run->summary.error, Catch::StartsWith("stopped early after epoch 2: val.accuracy has not improved"));
  CHECK(run->epochs.size() == 2);
  REQUIRE(find_metric(*run, "early_stopping.epoch"));
  CHECK(find_metric(*run, "early_stopping.epoch")->value == 1);
  CHECK(find_metric(*run, "best.test.accuracy"));  // the best checkpoint was still measured
}
