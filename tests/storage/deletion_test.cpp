// Deleting runs: every row of a run goes in one transaction, and the runs that used a run's
// files (a `run:NAME` reference recorded as an artifact) are found before anything is deleted.
#include <catch2/catch.hpp>

#include "graft/storage/location.hpp"
#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;

namespace {

// A completed run with a metric and its best checkpoint in its run folder.
std::int64_t completed_run(Store& store, const std::string& experiment) {
  const auto run = store.begin_run(test::sample_run(experiment));
  store.log_metrics(run, {{"val.accuracy", 10, 0, 0.5, 0}});
  store.add_artifact(run, {"best", (run_folder(store.path(), run) / "best.safetensors").string(), "ab", 10});
  store.finish_run(run, RunStatus::Completed);
  return run;
}

// Rows of every table that holds runs' rows, for runs `id`.
std::int64_t rows_of(const Store& store, std::int64_t id) {
  std::int64_t rows = 0;
  for (const char* table : {"runs", "params", "metrics", "run_plugins", "artifacts"}) {
    const std::string column = std::string(table) == "runs" ? "id" : "run_id";
    rows += std::stoll(test::scalar(store, "SELECT count(*) FROM " + std::string(table) + " WHERE " + column +
                                               " = " + std::to_string(id)));
  }
  return rows;
}

}  // namespace

TEST_CASE("delete_runs removes every row of the runs and the experiments left empty", "[storage][deletion]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto first = completed_run(store, "pretrain");
  const auto second = completed_run(store, "transfer");
  const auto third = completed_run(store, "transfer");
  REQUIRE(rows_of(store, first) > 0);

  store.delete_runs({first, second});
  CHECK(rows_of(store, first) == 0);
  CHECK(rows_of(store, second) == 0);
  CHECK(rows_of(store, third) > 0);
  CHECK(test::scalar(store, "SELECT group_concat(name) FROM experiments") == "transfer");
  // AUTOINCREMENT: a deleted run's id is never given to a new run.
  CHECK(store.begin_run(test::sample_run("transfer")) == third + 1);
}

TEST_CASE("delete_runs deletes nothing when one run cannot go", "[storage][deletion]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store store = Store::open(path);
  const auto done = completed_run(store, "demo");
  const auto before = rows_of(store, done);

  SECTION("a run that is not in the store") {
    CHECK_THROWS_WITH(store.delete_runs({done, 99}), Contains("no run 99") && Contains("nothing was deleted"));
  }
  SECTION("a run still running") {
    const auto running = store.begin_run(test::sample_run("demo"));  // its heartbeat is fresh
    CHECK_THROWS_WITH(store.delete_runs({done, running}), Contains("is running") && Contains("nothing was deleted"));
    CHECK(rows_of(store, running) > 0);
  }
  SECTION("a failure after the first rows were deleted rolls them back") {
    const auto second = completed_run(store, "demo");
    test::raw_exec(path, "CREATE TRIGGER refuse BEFORE DELETE ON runs WHEN old.id = " + std::to_string(second) +
                             " BEGIN SELECT RAISE(ABORT, 'refused by a test'); END");
    CHECK_THROWS_WITH(store.delete_runs({done, second}), Contains("refused by a test"));
    CHECK(rows_of(store, second) > 0);
  }
  CHECK(rows_of(store, done) == before);
  CHECK(test::count_rows(store, "experiments") == 1);
}

TEST_CASE("a stale running run can be deleted", "[storage][deletion]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store store = Store::open(path);
  const auto run = store.begin_run(test::sample_run("demo"));
  test::raw_exec(path, "UPDATE runs SET heartbeat_at = heartbeat_at - 3600, started_at = started_at - 3600");
  store.delete_runs({run});
  CHECK(test::count_rows(store, "runs") == 0);
}

TEST_CASE("dependents finds the runs that recorded a file of a run's folder", "[storage][deletion]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto pretrain = completed_run(store, "pretrain");
  const auto transfer = completed_run(store, "transfer");
  const auto distill = completed_run(store, "distill");
  const auto checkpoint = run_folder(store.path(), pretrain) / "best.safetensors";
  store.add_artifact(transfer, {"model.pretrained", checkpoint.string(), "ab", 10});
  store.add_artifact(distill, {"teacher.pretrained", checkpoint.string(), "ab", 10});
  // Cached features are shared, not a dependency: they live in the cache folder.
  const auto features = (cache_folder(store.path()) / "features" / "0123.safetensors").string();
  store.add_artifact(pretrain, {"features.train", features, "cd", 10});
  store.add_artifact(transfer, {"features.train", features, "cd", 10});

  const auto found = store.dependents({pretrain});
  REQUIRE(found.size() == 2);
  CHECK(found[0].run == pretrain);
  CHECK(found[0].dependent == transfer);
  CHECK(found[0].artifact == "model.pretrained");
  CHECK(found[1].dependent == distill);
  CHECK(found[1].artifact == "teacher.pretrained");

  CHECK(store.dependents({pretrain, transfer, distill}).empty());  // deleted together
  CHECK(store.dependents({transfer}).empty());
  // Run 1's folder is not a prefix of run 11's: paths are compared by component.
  for (int i = 0; i < 7; ++i) completed_run(store, "more");
  const auto eleventh = completed_run(store, "more");
  REQUIRE(eleventh == 11);
  store.add_artifact(distill, {"model.pretrained", (run_folder(store.path(), eleventh) / "best.safetensors").string(), "", 0});
  CHECK(store.dependents({pretrain}).size() == 2);
}
