// Writes: runs, params, metrics, artifacts, finishing; and that failures write nothing.
#include <cmath>

#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;

namespace {

std::vector<MetricPoint> epoch_points(std::int64_t epoch, std::int64_t step, double accuracy) {
  return {{"val.accuracy", step, epoch, accuracy, 0}, {"val.loss", step, epoch, 1 - accuracy, 0}};
}

}  // namespace

TEST_CASE("begin_run records the run, its experiment, params and plugins", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = store.begin_run(test::sample_run("demo", 7));

  const auto details = store.get_run(run_id);
  REQUIRE(details);
  CHECK(details->summary.experiment == "demo");
  CHECK(details->summary.status == RunStatus::Running);
  CHECK(details->summary.seed == 7);
  CHECK(details->summary.host == "testhost");
  CHECK(details->summary.pid == 4242);
  CHECK(details->summary.started_at > 1.6e9);
  CHECK(details->summary.heartbeat_at == details->summary.started_at);
  CHECK_FALSE(details->summary.ended_at);
  CHECK(details->config_hash == "0123456789abcdef");
  REQUIRE(details->plugins.size() == 2);
  CHECK(details->plugins[0].kind == "model");
  CHECK(details->plugins[1].name == "synthetic");

  // Params come back sorted by key, each with the type it was written with.
  REQUIRE(details->params.size() == 6);
  CHECK(details->params[0].key == "dataset.classes");
  CHECK(details->params[0].value == Value(std::string("[1, 2]")));
  CHECK(details->params[2].key == "model.plugin");
  CHECK(details->params[5].key == "train.lr");
  CHECK(details->params[5].value == Value(3e-4));
  CHECK(details->params[4].value == Value(std::int64_t{3}));

  CHECK(test::scalar(store, "SELECT typeof(value) FROM params WHERE key = 'train.lr'") == "real");
  CHECK(test::scalar(store, "SELECT typeof(value) FROM params WHERE key = 'train.epochs'") == "integer");
  CHECK(test::scalar(store, "SELECT typeof(value) FROM params WHERE key = 'model.plugin'") == "text");
}

TEST_CASE("numeric params compare as numbers in SQL", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  for (double lr : {1e-2, 3e-4, 1e-5}) store.begin_run(test::sample_run("sweep", 1, lr));
  // As text, "1e-05" > "0.0003"; as numbers only 0.01 and 0.0003 exceed 1e-4.
  CHECK(test::scalar(store, "SELECT count(*) FROM params WHERE key = 'train.lr' AND value > 1e-4") == "2");
  CHECK(test::scalar(store, "SELECT count(*) FROM params WHERE key = 'train.epochs' AND value >= 3") == "3");
  CHECK(test::scalar(store, "SELECT max(value) FROM params WHERE key = 'train.lr'") == "0.01");
}

TEST_CASE("experiments are created once and keep the latest description", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  auto run = test::sample_run("demo");
  store.begin_run(run);
  run.description = "now with a better description";
  store.begin_run(run);
  CHECK(test::count_rows(store, "experiments") == 1);
  CHECK(test::scalar(store, "SELECT description FROM experiments") == "now with a better description");
}

TEST_CASE("log_metrics writes each batch and refreshes the heartbeat", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = store.begin_run(test::sample_run());
  const double started = store.get_run(run_id)->summary.started_at;

  store.log_metrics(run_id, {{"train.loss", 10, 1, 2.5, 0}, {"train.loss", 20, 1, 2.0, 0}});
  store.log_metrics(run_id, epoch_points(1, 20, 0.5));
  store.log_metrics(run_id, {});  // an empty batch is a heartbeat
  CHECK(test::count_rows(store, "metrics") == 4);
  CHECK(store.get_run(run_id)->summary.heartbeat_at >= started);
  // A time of 0 means "now"; an explicit time is kept.
  CHECK(std::stod(test::scalar(store, "SELECT min(time) FROM metrics")) >= started);
  store.log_metrics(run_id, {{"lr", 20, std::nullopt, 1e-3, 1234.5}});
  CHECK(test::scalar(store, "SELECT time FROM metrics WHERE key = 'lr'") == "1234.5");
  CHECK(test::scalar(store, "SELECT epoch IS NULL FROM metrics WHERE key = 'lr'") == "1");
}

TEST_CASE("a NaN metric is recorded as NULL instead of failing the batch", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = store.begin_run(test::sample_run());
  store.log_metrics(run_id, {{"train.loss", 1, 0, std::nan(""), 0}});
  CHECK(test::scalar(store, "SELECT count(*) FROM metrics WHERE value IS NULL") == "1");
  CHECK(std::isnan(store.get_run(run_id)->final_metrics.at(0).value));
}

TEST_CASE("finish_run sets the final status, end time and error", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto completed = store.begin_run(test::sample_run("demo", 1));
  const auto failed = store.begin_run(test::sample_run("demo", 2));
  const auto interrupted = store.begin_run(test::sample_run("demo", 3));
  store.finish_run(completed, RunStatus::Completed);
  store.finish_run(failed, RunStatus::Failed, "loss became NaN at step 40");
  store.finish_run(interrupted, RunStatus::Interrupted, "interrupted by Ctrl-C");

  const auto done = store.get_run(completed)->summary;
  CHECK(done.status == RunStatus::Completed);
  REQUIRE(done.ended_at);
  CHECK(*done.ended_at >= done.started_at);
  CHECK(done.error.empty());
  CHECK(store.get_run(failed)->summary.status == RunStatus::Failed);
  CHECK(store.get_run(failed)->summary.error == "loss became NaN at step 40");
  CHECK(store.get_run(interrupted)->summary.status == RunStatus::Interrupted);
  // No error is NULL in SQL, so `error IS NOT NULL` finds the runs with one.
  CHECK(test::scalar(store, "SELECT count(*) FROM runs WHERE error IS NOT NULL") == "2");

  CHECK_THROWS_WITH(store.finish_run(completed, RunStatus::Running), Contains("completed, failed or interrupted"));
}

TEST_CASE("artifacts are recorded and replaced by name", "[storage][writes]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = store.begin_run(test::sample_run());
  store.add_artifact(run_id, {"best", "/ckpt/best-1.pt", "aaaa", 100});
  store.add_artifact(run_id, {"last", "/ckpt/last.pt", "bbbb", 200});
  store.add_artifact(run_id, {"best", "/ckpt/best-2.pt", "cccc", 300});
  const auto artifacts = store.get_run(run_id)->artifacts;
  REQUIRE(artifacts.size() == 2);
  CHECK(artifacts[0].name == "best");
  CHECK(artifacts[0].path == "/ckpt/best-2.pt");
  CHECK(artifacts[0].bytes == 300);
  CHECK(artifacts[1].sha256 == "bbbb");
}

TEST_CASE("writes about an unknown run name the run and the store", "[storage][writes]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store store = Store::open(path);
  const std::string message = "no run 99 in " + path.string();
  CHECK_THROWS_WITH(store.log_metrics(99, {{"train.loss", 1, 0, 1.0, 0}}), message);
  CHECK_THROWS_WITH(store.heartbeat(99), message);
  CHECK_THROWS_WITH(store.add_artifact(99, {"best", "/x", "", 0}), message);
  CHECK_THROWS_WITH(store.finish_run(99, RunStatus::Completed), message);
  CHECK(test::count_rows(store, "metrics") == 0);
  CHECK(test::count_rows(store, "artifacts") == 0);
}

TEST_CASE("a failed write leaves nothing half-written", "[storage][writes]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  Store store = Store::open(path);

  SECTION("begin_run failing at its last insert leaves no experiment, run or params") {
    // The plugin rows are inserted last, after the experiment, the run and its params.
    test::raw_exec(path, "CREATE TRIGGER fail_plugins BEFORE INSERT ON run_plugins "
                         "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    CHECK_THROWS_WITH(store.begin_run(test::sample_run("doomed")),
                      Contains("cannot start a run of experiment doomed in " + path.string()) &&
                          Contains("injected failure") && Contains("nothing was written"));
    for (const char* table : {"experiments", "runs", "params", "run_plugins"}) {
      INFO(table);
      CHECK(test::count_rows(store, table) == 0);
    }
  }

  SECTION("begin_run with a param given twice writes nothing") {
    auto run = test::sample_run("doomed");
    run.params.push_back({"train.lr", 0.1});
    CHECK_THROWS_WITH(store.begin_run(run), Contains("train.lr twice"));
    CHECK(test::count_rows(store, "runs") == 0);
  }

  SECTION("a metric batch with one bad point writes none of its points") {
    const auto run_id = store.begin_run(test::sample_run());
    const double heartbeat = *store.get_run(run_id)->summary.heartbeat_at;
    store.log_metrics(run_id, {{"train.loss", 1, 0, 1.0, 0}});
    const double before = *store.get_run(run_id)->summary.heartbeat_at;
    CHECK(before >= heartbeat);
    // An empty key violates the table's CHECK constraint, after two good points were inserted.
    CHECK_THROWS_WITH(store.log_metrics(run_id, {{"train.loss", 2, 0, 0.9, 0}, {"val.loss", 2, 0, 0.8, 0}, {"", 2, 0, 0.1, 0}}),
                      Contains("cannot record metrics of run") && Contains("CHECK constraint failed"));
    CHECK(test::count_rows(store, "metrics") == 1);
    CHECK(*store.get_run(run_id)->summary.heartbeat_at == before);
    // The store is still usable after the rollback.
    store.log_metrics(run_id, {{"train.loss", 3, 0, 0.7, 0}});
    CHECK(test::count_rows(store, "metrics") == 2);
  }
}

TEST_CASE("deleting a run deletes its rows everywhere", "[storage][writes]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  std::int64_t run_id = 0;
  {
    Store store = Store::open(path);
    run_id = store.begin_run(test::sample_run());
    store.log_metrics(run_id, epoch_points(1, 10, 0.5));
    store.add_artifact(run_id, {"best", "/x", "", 1});
  }
  test::raw_exec(path, "PRAGMA foreign_keys = ON; DELETE FROM runs WHERE id = " + std::to_string(run_id));
  Store store = Store::open(path, Store::Access::ReadOnly);
  for (const char* table : {"params", "metrics", "run_plugins", "artifacts"}) {
    INFO(table);
    CHECK(test::count_rows(store, table) == 0);
  }
  // Ids are never reused: a new run after a deletion gets a fresh one.
  CHECK(Store::open(path).begin_run(test::sample_run()) == run_id + 1);
}
