// The run kind in the store (schema 3): the migration of a store written by an older graft
// (schema 2), and the readers that must keep lr_find runs apart from training runs: graft run's
// skipping (completed_run), filters, `graft runs`, `show`, `compare`, `export` and `report`.
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "graft/errors.hpp"
#include "storage/test_support.hpp"
#include "support/run_graft.hpp"
#include "support/store_commands.hpp"

using namespace graft;
using graft::testing::graft_cli;
using graft::testing::Printed;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

// The schema of graft's store at version 2, as that graft created it (storage/src/schema.cpp
// before the run kind): what an existing store on a user's disk looks like.
constexpr const char* kSchemaVersion2 = R"sql(
CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
  description TEXT NOT NULL DEFAULT '',
  created_at  REAL NOT NULL
);
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  trial         TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL
                CHECK (status IN ('queued', 'running', 'completed', 'failed', 'interrupted')),
  config_toml   TEXT NOT NULL DEFAULT '',
  config_hash   TEXT NOT NULL DEFAULT '',
  seed          INTEGER NOT NULL DEFAULT 0,
  started_at    REAL NOT NULL,
  ended_at      REAL,
  heartbeat_at  REAL,
  host          TEXT NOT NULL DEFAULT '',
  pid           INTEGER NOT NULL DEFAULT 0,
  error         TEXT
);
CREATE INDEX runs_experiment ON runs(experiment_id);
CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL CHECK (key <> ''),
  value,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL CHECK (key <> ''),
  step   INTEGER NOT NULL,
  epoch  INTEGER,
  value  REAL,
  time   REAL NOT NULL
);
CREATE INDEX metrics_run_key_step ON metrics(run_id, key, step);
CREATE TABLE run_plugins (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL,
  name    TEXT NOT NULL,
  version TEXT NOT NULL DEFAULT '',
  path    TEXT NOT NULL DEFAULT '',
  sha256  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_plugins_run ON run_plugins(run_id);
CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL CHECK (name <> ''),
  path   TEXT NOT NULL,
  sha256 TEXT NOT NULL DEFAULT '',
  bytes  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE VIEW final_metrics AS
SELECT series.run_id, series.key, m.value, m.step, m.epoch
FROM (SELECT run_id, key FROM metrics GROUP BY run_id, key) AS series
JOIN metrics m ON m.rowid = (
  SELECT rowid FROM metrics
  WHERE run_id = series.run_id AND key = series.key
  ORDER BY step DESC, rowid DESC
  LIMIT 1);
CREATE VIEW run_overview AS
SELECT r.id AS run_id, e.name AS experiment, r.trial AS trial, r.status AS status, r.seed AS seed,
       r.started_at AS started_at, r.ended_at AS ended_at, r.ended_at - r.started_at AS duration_s,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'model.plugin') AS model,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'dataset.plugin') AS dataset,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'strategy.plugin') AS strategy,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'train.lr') AS lr,
       max(CASE f.key WHEN 'test.accuracy' THEN f.value END) AS test_accuracy,
       max(CASE f.key WHEN 'val.accuracy'  THEN f.value END) AS val_accuracy,
       max(CASE f.key WHEN 'test.macro_f1' THEN f.value END) AS test_macro_f1,
       max(CASE f.key WHEN 'val.loss'      THEN f.value END) AS val_loss,
       max(CASE f.key WHEN 'train.loss'    THEN f.value END) AS train_loss,
       max(CASE f.key WHEN 'best.test.accuracy' THEN f.value END) AS best_test_accuracy,
       max(CASE f.key WHEN 'best.epoch'    THEN f.value END) AS best_epoch
FROM runs r
JOIN experiments e ON e.id = r.experiment_id
LEFT JOIN final_metrics f ON f.run_id = r.id
GROUP BY r.id;
CREATE INDEX runs_config_hash ON runs(config_hash);
INSERT INTO experiments (id, name, description, created_at) VALUES (1, 'old', 'from graft 0.1', 1700000000);
INSERT INTO runs (id, experiment_id, trial, status, config_toml, config_hash, seed, started_at, ended_at,
                  heartbeat_at, host, pid)
  VALUES (1, 1, 'seed=1', 'completed', '[train]\nlr = 0.001\n', 'feedface', 1, 1700000000, 1700000100,
          1700000100, 'oldhost', 7);
INSERT INTO params (run_id, key, value) VALUES (1, 'train.lr', 0.001), (1, 'experiment.seed', 1);
INSERT INTO metrics (run_id, key, step, epoch, value, time)
  VALUES (1, 'val.accuracy', 10, 0, 0.8, 1700000050), (1, 'best.test.accuracy', 10, NULL, 0.78, 1700000100);
PRAGMA user_version = 2;
)sql";

// An lr_find run of the sample trial: its curve and suggestions, completed.
std::int64_t record_lr_find(storage::Store& store, const std::string& experiment, std::int64_t seed = 1,
                            const std::string& note = "") {
  storage::NewRun run = storage::test::sample_run(experiment, seed);
  run.kind = storage::RunKind::LrFind;
  run.params.push_back({"lr_find.steps", std::int64_t{4}});
  const auto id = store.begin_run(run);
  std::vector<storage::MetricPoint> points;
  const double lrs[] = {1e-4, 1e-3, 1e-2, 1e-1}, losses[] = {1.1, 0.9, 0.7, 2.5};
  for (int i = 0; i < 4; ++i) {
    points.push_back({"lr_find.lr", i + 1, 0, lrs[i], 0});
    points.push_back({"lr_find.loss", i + 1, 0, losses[i], 0});
    points.push_back({"lr_find.smoothed_loss", i + 1, 0, losses[i], 0});
  }
  points.push_back({"lr_find.suggestion.valley", 4, std::nullopt, 1e-3, 0});
  points.push_back({"lr_find.suggestion.steep", 4, std::nullopt, 1e-2, 0});
  points.push_back({"lr_find.suggestion.minimum", 4, std::nullopt, 1e-3, 0});
  store.log_metrics(id, points);
  store.finish_run(id, storage::RunStatus::Completed, note);
  return id;
}

std::int64_t record_training(storage::Store& store, const std::string& experiment, std::int64_t seed, double accuracy) {
  const auto id = store.begin_run(storage::test::sample_run(experiment, seed));
  store.log_metrics(id, {{"train.loss", 5, 0, 0.5, 0},
                         {"val.accuracy", 5, 0, accuracy, 0},
                         {"lr", 5, 0, 3e-4, 0},
                         {"best.test.accuracy", 5, std::nullopt, accuracy, 0},
                         {"best.val.accuracy", 5, std::nullopt, accuracy, 0}});
  store.finish_run(id, storage::RunStatus::Completed);
  return id;
}

}  // namespace

TEST_CASE("a schema 2 store migrates to schema 3 with its runs as training runs", "[storage][migration]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  storage::test::raw_exec(path, kSchemaVersion2);
  REQUIRE(storage::test::raw_exec(path, "PRAGMA user_version") == "2");

  SECTION("a reading command migrates it, and reads it") {
    const auto store = storage::Store::open(path, storage::Store::Access::ReadOnly);
    CHECK(storage::test::raw_exec(path, "PRAGMA user_version") == "3");
    const auto runs = store.list_runs();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].kind == storage::RunKind::Train);
    CHECK(runs[0].trial == "seed=1");
    CHECK(storage::test::scalar(store, "SELECT kind FROM runs WHERE id = 1") == "train");
    // What graft run looks for before training a trial again.
    CHECK(store.completed_run("old", "feedface", 1) == std::optional<std::int64_t>(1));
    // The views are those of schema 2, unchanged.
    CHECK(storage::test::scalar(store, "SELECT best_test_accuracy FROM run_overview WHERE run_id = 1") == "0.78");
    CHECK(store.get_run(1)->final_metrics.size() == 2);
  }
  SECTION("a writing open migrates it, and new runs of both kinds go in") {
    auto store = storage::Store::open(path);
    CHECK(storage::test::raw_exec(path, "PRAGMA user_version") == std::to_string(storage::kSchemaVersion));
    const auto lr_find = record_lr_find(store, "old");
    const auto trained = record_training(store, "old", 2, 0.9);
    CHECK(store.get_run(lr_find)->summary.kind == storage::RunKind::LrFind);
    CHECK(store.get_run(trained)->summary.kind == storage::RunKind::Train);
    CHECK(storage::test::scalar(store, "SELECT group_concat(kind, ',') FROM (SELECT kind FROM runs ORDER BY id)") ==
          "train,lr_find,train");
    // Run ids go on from the old ones.
    CHECK(lr_find == 2);
  }
  SECTION("a store migrated twice (its version set back by hand) keeps its kind column") {
    storage::Store::open(path);
    storage::test::raw_exec(path, "PRAGMA user_version = 2");
    const auto store = storage::Store::open(path);
    CHECK(storage::test::scalar(store, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'kind'") == "1");
    CHECK(storage::test::raw_exec(path, "PRAGMA user_version") == "3");
  }
}

TEST_CASE("a new store has the kind column, training runs by default, and refuses an empty kind", "[storage][kind]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  auto store = storage::Store::open(path);
  const auto id = store.begin_run(storage::test::sample_run());
  CHECK(store.get_run(id)->summary.kind == storage::RunKind::Train);
  CHECK_THROWS(storage::test::raw_exec(path, "UPDATE runs SET kind = '' WHERE id = 1"));
  // A kind this graft does not know (a newer graft would have bumped the schema) is refused when read.
  storage::test::raw_exec(path, "UPDATE runs SET kind = 'distill' WHERE id = 1");
  CHECK_THROWS_WITH(store.list_runs(), Contains("has kind 'distill', which this graft does not know"));
  CHECK(storage::kind_name(storage::RunKind::LrFind) == std::string("lr_find"));
  CHECK(storage::parse_kind("lr_find") == storage::RunKind::LrFind);
  CHECK_FALSE(storage::parse_kind("lrfind").has_value());
}

TEST_CASE("graft run does not skip a trial that only an lr_find run completed", "[storage][kind]") {
  TempDir dir;
  auto store = storage::Store::open(dir.file("graft.db"));
  const storage::NewRun sample = storage::test::sample_run("sweep", 1);
  record_lr_find(store, "sweep", 1);
  CHECK_FALSE(store.completed_run("sweep", sample.config_hash, 1).has_value());
  const auto trained = record_training(store, "sweep", 1, 0.9);
  CHECK(store.completed_run("sweep", sample.config_hash, 1) == std::optional<std::int64_t>(trained));
  record_lr_find(store, "sweep", 1);  // a later lr_find run does not take its place
  CHECK(store.completed_run("sweep", sample.config_hash, 1) == std::optional<std::int64_t>(trained));
}

TEST_CASE("filters and sorts know the kind of a run", "[storage][kind]") {
  TempDir dir;
  auto store = storage::Store::open(dir.file("graft.db"));
  record_training(store, "sweep", 1, 0.9);
  const auto lr_find = record_lr_find(store, "sweep", 1);
  const auto found = store.find_runs({{}, "kind = 'lr_find'", "", std::nullopt});
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == lr_find);
  CHECK(store.find_runs({{}, "kind != 'lr_find'", "", std::nullopt}).size() == 1);
  CHECK(store.find_runs({{}, "", "-kind", std::nullopt}).front().kind == storage::RunKind::Train);
  CHECK_THROWS_WITH(store.find_runs({{}, "kind = 'lrfind'", "", std::nullopt}),
                    Contains("unknown kind 'lrfind'; kinds: train, lr_find"));
}

TEST_CASE("runs, show and export tell lr_find runs from training runs", "[cli][kind]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    auto store = storage::Store::open(path);
    record_training(store, "sweep", 1, 0.9);
    record_training(store, "other", 1, 0.8);
    record_lr_find(store, "sweep", 1, "diverged at step 4");
  }
  SECTION("graft runs: a kind column when lr_find runs are listed, none otherwise") {
    const auto all = graft_cli(path, {"runs"});
    REQUIRE(all.status == 0);
    std::istringstream lines(all.out);
    std::string header;
    std::getline(lines, header);
    CHECK(std::regex_search(header, std::regex("^id +experiment +trial +kind +status +seed ")));
    CHECK_THAT(all.out, Contains("lr_find") && Contains("train"));
    const auto training = graft_cli(path, {"runs", "--experiment", "other"});
    CHECK_THAT(training.out, !Contains("kind"));
    const auto csv = graft_cli(path, {"runs", "--csv"});
    CHECK_THAT(csv.out, Contains("id,experiment,trial,kind,status,") && Contains(",lr_find,completed,"));
    const auto listed = json::parse(graft_cli(path, {"runs", "--json"}).out);
    REQUIRE(listed.size() == 3);
    CHECK(listed[0]["kind"] == "train");
    CHECK(listed[2]["kind"] == "lr_find");
    CHECK(graft_cli(path, {"runs", "--filter", "kind = 'train'", "--csv"}).out.find("kind") == std::string::npos);
  }
  SECTION("graft show: the kind in the header and the JSON") {
    const auto shown = graft_cli(path, {"show", "3"});
    CHECK_THAT(shown.out, Contains("kind        lr_find\n") && Contains("error       diverged at step 4\n"));
    CHECK_THAT(shown.out, Contains("lr_find.suggestion.valley"));
    CHECK(json::parse(graft_cli(path, {"show", "1", "--json"}).out)["kind"] == "train");
  }
  SECTION("graft export: a kind column") {
    const auto csv = graft_cli(path, {"export", "--experiment", "sweep", "--csv"});
    REQUIRE(csv.status == 0);
    CHECK_THAT(csv.out, Contains("id,experiment,trial,kind,status,") && Contains(",train,completed,") &&
                            Contains(",lr_find,completed,"));
    const auto exported = json::parse(graft_cli(path, {"export", "--experiment", "sweep", "--json"}).out);
    REQUIRE(exported.size() == 2);
    CHECK(exported[1]["kind"] == "lr_find");
  }
  SECTION("graft compare RUN RUN: says which run is an lr_find run") {
    const auto compared = graft_cli(path, {"compare", "1", "3"});
    REQUIRE(compared.status == 0);
    CHECK_THAT(compared.out, Contains("note: run 3 is an lr_find run"));
    const auto parsed = json::parse(graft_cli(path, {"compare", "1", "3", "--json"}).out);
    CHECK(parsed["runs"][1]["kind"] == "lr_find");
  }
}

TEST_CASE("compare --experiment and report leave lr_find runs out of the comparison", "[cli][kind]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  std::int64_t lr_find = 0;
  {
    auto store = storage::Store::open(path);
    record_training(store, "sweep", 1, 0.9);
    record_training(store, "sweep", 2, 0.8);
    lr_find = record_lr_find(store, "sweep", 3);
    record_lr_find(store, "probe", 1);
  }
  const auto grouped = graft_cli(path, {"compare", "--experiment", "sweep", "--json"});
  INFO(grouped.err);
  REQUIRE(grouped.status == 0);
  const json comparison = json::parse(grouped.out);
  // Grouped by nothing but the seed (which is never a group): the lr_find run's own params
  // (lr_find.steps) would otherwise differ and split the groups.
  CHECK(comparison["group_by"] == json::array());
  REQUIRE(comparison["groups"].size() == 1);
  CHECK(comparison["groups"][0]["runs"] == json::array({1, 2}));
  CHECK(comparison["groups"][0]["metrics"]["best.test.accuracy"]["n"] == 2);

  const auto only = graft_cli(path, {"compare", "--experiment", "probe"});
  CHECK(only.status == 2);
  CHECK_THAT(only.err, Contains("no completed training run") && Contains("only 1 lr_find run(s)"));

  SECTION("the report of an experiment with both kinds: the comparison and the lr_find chart data") {
    const auto page = dir.file("report.html");
    const auto made = graft_cli(path, {"report", "--experiment", "sweep", "--out", page.string()});
    INFO(made.err);
    REQUIRE(made.status == 0);
    const std::string html = graft::testing::read_text(page);
    CHECK_THAT(html, Contains("<table id=\"comparison\">") && Contains("2 completed run(s) in 1 group(s) and 1 LR "
                                                                           "range test(s)"));
    CHECK_THAT(html, Contains("<h2>Learning-rate finder</h2>") && Contains("<table id=\"lr-find-suggestions\">") &&
                         Contains("<div id=\"lr-find\" class=\"charts\">"));
    CHECK_THAT(html, Contains("\"lr_find\":[{\"id\":" + std::to_string(lr_find)));
    CHECK_THAT(html, Contains("\"smoothed\":[1.1,0.9,0.7,2.5]") && Contains("\"valley\":0.001"));
    CHECK_THAT(html, Contains("drawLrFind"));
  }
  SECTION("the report of an experiment with lr_find runs only") {
    const auto page = dir.file("probe.html");
    const auto made = graft_cli(path, {"report", "--experiment", "probe", "--out", page.string()});
    INFO(made.err);
    REQUIRE(made.status == 0);
    const std::string html = graft::testing::read_text(page);
    CHECK_THAT(html, !Contains("<table id=\"comparison\">") && Contains("No completed training run yet"));
    CHECK_THAT(html, Contains("<table id=\"lr-find-suggestions\">") && Contains("\"comparison\":null"));
  }
}
