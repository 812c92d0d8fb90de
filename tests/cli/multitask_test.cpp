// Multi-task runs end to end: [tasks.NAME] tables with strategy multitask, per-task metrics and
// heads, the weight-0 run that is the single-task run exactly, and the refusals.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <fstream>

#include "experiment_files.hpp"
#include "store_rows.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::coarse_task_table;
using graft::testing::metric_values;
using graft::testing::run_graft;
using graft::testing::used_plugin;

namespace {

std::int64_t count_of(const storage::Store& store, const std::string& sql) {
  return std::get<std::int64_t>(store.query(sql).rows.at(0).at(0));
}

}  // namespace

TEST_CASE("a further task of weight 0 leaves the main task's training exactly as a single-task run's") {
  graft::testing::TempFolder folder("cli-multitask-zero");
  const auto single = graft::testing::write_tiny_experiment(folder.path());
  REQUIRE(run_graft(folder.path(), {"run", single.string(), "--no-progress"}).status == 0);
  auto text = graft::testing::read_text(single);
  text.replace(text.find("name = \"tiny\""), 13, "name = \"tiny-mt\"");
  for (const char* sampling : {"round_robin", "weighted"}) {
    INFO(sampling);
    std::ofstream(folder / "multitask.toml") << text << "\n[strategy]\nplugin = \"multitask\"\nsampling = \""
                                             << sampling << "\"\n"
                                             << coarse_task_table(folder.path(), "weight = 0.0\n");
    const auto finished =
        run_graft(folder.path(), {"run", (folder / "multitask.toml").string(), "--no-progress", "--rerun"});
    INFO(finished.err);
    REQUIRE(finished.status == 0);
  }
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto alone = metric_values(store, 1);
  for (std::int64_t run : {2, 3}) {
    const auto together = metric_values(store, run);
    std::size_t compared = 0;
    for (const auto& [key, value] : alone) {
      INFO("run " << run << " " << key);
      REQUIRE(together.count(key) == 1);
      CHECK(together.at(key) == value);  // exactly: same batches, same dropout draws
      ++compared;
    }
    CHECK(compared > 15);
    // The untrained coarse task is still measured, as a baseline for its head.
    const auto has = [&together](const std::string& prefix) {
      return std::any_of(together.begin(), together.end(), [&](const auto& row) { return row.first.rfind(prefix, 0) == 0; });
    };
    CHECK(has("task/coarse/val.accuracy@"));
    CHECK_FALSE(has("task/coarse/train.loss@"));  // it had no batch
  }
}

TEST_CASE("a multi-task run trains every task's head on the shared backbone and records each task") {
  graft::testing::TempFolder folder("cli-multitask");
  const auto file = graft::testing::write_tiny_experiment(
      folder.path(), "\n[strategy]\nplugin = \"multitask\"\n" + coarse_task_table(folder.path(), "weight = 0.5\n"));
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=6"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.err, Catch::Contains("multitask: 22 batches per epoch, round robin: main 11 (weight 1), "
                                           "coarse 11 (weight 0.5)"));
  CHECK_THAT(finished.err, Catch::Contains("task coarse: a linear head 16 -> 2 classes"));

  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(1);
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK(used_plugin(*run, "tasks.coarse", "idx"));
  for (const char* artifact : {"best", "last", "task_heads.best", "task_heads.last"}) {
    INFO(artifact);
    CHECK(std::any_of(run->artifacts.begin(), run->artifacts.end(),
                      [&](const auto& a) { return a.name == artifact && std::filesystem::exists(a.path); }));
  }
  // Per task and epoch: train and validation rows; the test split once per task, with the best weights.
  for (const char* key : {"task/coarse/train.loss", "task/coarse/train.accuracy", "task/coarse/val.accuracy",
                          "task/coarse/val.macro_f1", "train.accuracy", "val.accuracy"}) {
    INFO(key);
    CHECK(count_of(store, std::string("SELECT COUNT(*) FROM metrics WHERE run_id = 1 AND epoch IS NOT NULL AND key = '") +
                              key + "'") == 6);
  }
  CHECK(count_of(store, "SELECT COUNT(*) FROM metrics WHERE run_id = 1 AND key = 'task/coarse/test.accuracy' "
                        "AND epoch IS NOT NULL") == 1);
  const auto values = metric_values(store, 1);
  const auto coarse_test = std::find_if(values.begin(), values.end(), [](const auto& row) {
    return row.first.rfind("best.task/coarse/test.accuracy@", 0) == 0;
  });
  REQUIRE(coarse_test != values.end());  // with the main task's best weights
  const auto accuracy = store.query("SELECT value FROM metrics WHERE run_id = 1 AND key = 'task/coarse/val.accuracy' "
                                    "ORDER BY step").rows;
  REQUIRE(accuracy.size() == 6);
  CHECK(std::get<double>(accuracy.back().at(0)) >= 0.9);  // the tiny task's groups are easy; chance is 2/3
  // The coarse task's loss fell: its head learned.
  const auto losses = store.query("SELECT value FROM metrics WHERE run_id = 1 AND key = 'task/coarse/train.loss' "
                                  "ORDER BY step").rows;
  REQUIRE(losses.size() == 6);
  CHECK(std::get<double>(losses.back().at(0)) < 0.5 * std::get<double>(losses.front().at(0)));
}

TEST_CASE("tasks need a strategy that trains them and datasets that give a task: else exit 2, nothing stored") {
  graft::testing::TempFolder folder("cli-multitask-refused");
  const auto single_task = graft::testing::write_tiny_experiment(folder.path(), coarse_task_table(folder.path(), ""));
  const auto refused = run_graft(folder.path(), {"run", single_task.string(), "--no-progress"});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("strategy 'full': this strategy trains a single task, and the experiment "
                                          "declares 1 more in [tasks.*] tables: use strategy multitask"));

  auto one_group = coarse_task_table(folder.path(), "");
  one_group.replace(one_group.find("[0, 1, 1]"), 9, "[0, 0, 0]");
  one_group.replace(one_group.find("group_names = [\"first\", \"rest\"]"), 31, "");
  const auto one_class =
      graft::testing::write_tiny_experiment(folder.path(), "\n[strategy]\nplugin = \"multitask\"\n" + one_group);
  const auto single_group = run_graft(folder.path(), {"run", one_class.string(), "--no-progress"});
  CHECK(single_group.status == 2);
  CHECK_THAT(single_group.err, Catch::Contains("[tasks.coarse]: dataset 'idx' has 1 class(es); a task needs at least 2"));

  // A task's dataset that cannot be opened is reported as that task's, not the main [dataset]'s.
  auto missing_data = coarse_task_table(folder.path(), "");
  missing_data.replace(missing_data.find((folder / "data").string()), (folder / "data").string().size(),
                       (folder / "no-such-folder").string());
  const auto missing =
      graft::testing::write_tiny_experiment(folder.path(), "\n[strategy]\nplugin = \"multitask\"\n" + missing_data);
  const auto unreadable = run_graft(folder.path(), {"run", missing.string(), "--no-progress"});
  CHECK(unreadable.status == 2);
  CHECK_THAT(unreadable.err,
             Catch::Contains("error: [tasks.coarse]: dataset 'idx' (") &&
                 Catch::Contains("): tasks.coarse.path: " + (folder / "no-such-folder").string() + " is not a folder"));

  const auto typo = run_graft(folder.path(), {"run", single_task.string(), "--set", "tasks.coarse.wieght=1"});
  CHECK(typo.status == 2);
  CHECK_THAT(typo.err, Catch::Contains("unknown key 'wieght' in [tasks.coarse] (did you mean 'weight'?)"));
  const bool recorded = std::filesystem::exists(folder / "graft.db") &&
                        count_of(storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly),
                                 "SELECT COUNT(*) FROM runs") > 0;
  CHECK_FALSE(recorded);
}
