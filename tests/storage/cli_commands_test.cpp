// The store's commands (runs, show, compare, query) as a user calls them: parse argv with the
// real CLI11 subcommands and check what they print.
#include <cmath>
#include <iostream>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "graft/errors.hpp"
#include "support/run_cli.hpp"
#include "test_support.hpp"

using namespace graft;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {


// Runs `graft --db STORE ARGS...` through the store commands; returns what it printed.
std::string graft_cli(const std::filesystem::path& store, std::vector<std::string> args) {
  CLI::App app{"graft", "graft"};
  app.require_subcommand(1);
  cli::Context context;
  context.db = store.string();
  cli::add_runs_command(app, context);
  cli::add_show_command(app, context);
  cli::add_compare_command(app, context);
  cli::add_query_command(app, context);
  args.insert(args.begin(), "graft");
  const std::string printed = graft::testing::parse_and_capture(app, args);
  REQUIRE(context.exit_status == 0);
  return printed;
}

// Three runs of "sweep" (two lrs, run 2 failed) and one of "other", with metrics.
struct Fixture {
  TempDir dir;
  std::filesystem::path path = dir.file("graft.db");

  Fixture() {
    storage::Store store = storage::Store::open(path);
    for (double lr : {1e-3, 3e-4, 3e-4}) {
      const auto run = store.begin_run(storage::test::sample_run("sweep", std::llround(lr * 1e4), lr));
      for (std::int64_t epoch = 1; epoch <= 2; ++epoch) {
        store.log_metrics(run, {{"train.loss", epoch * 10, epoch, 1.0 / epoch, 0},
                                {"val.accuracy", epoch * 10, epoch, 0.5 + 0.2 * epoch + lr, 0}});
      }
      store.log_metrics(run, {{"test.accuracy", 20, std::nullopt, 0.875, 0}, {"best.test.accuracy", 20, std::nullopt, 0.88, 0}});
      store.add_artifact(run, {"best", "runs/best.pt", "0123456789abcdef0123", 2048});
      store.finish_run(run, run == 2 ? storage::RunStatus::Failed : storage::RunStatus::Completed,
                       run == 2 ? "loss became NaN" : "");
    }
    store.begin_run(storage::test::sample_run("other", 9));
  }
};

}  // namespace

TEST_CASE("graft runs lists runs with final accuracies", "[cli][runs]") {
  Fixture fixture;
  const std::string out = graft_cli(fixture.path, {"runs"});
  std::istringstream lines(out);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  CHECK(std::regex_search(header, std::regex("^id +experiment +trial +status +seed +started +duration +test.accuracy +val.accuracy +best.test.accuracy$")));
  CHECK(std::regex_search(first, std::regex(R"(^ *1 +sweep +train.lr=0.001,seed=10 +completed +10 +\d{4}-\d\d-\d\d \d\d:\d\d +\d+s +0.875 +0.901 +0.88$)")));
  CHECK(std::count(out.begin(), out.end(), '\n') == 5);
  CHECK_THAT(out, Contains("failed"));
  CHECK_THAT(out, Contains("running"));

  SECTION("filters") {
    const std::string failed = graft_cli(fixture.path, {"runs", "--status", "failed"});
    CHECK(std::count(failed.begin(), failed.end(), '\n') == 2);
    const std::string other = graft_cli(fixture.path, {"runs", "--experiment", "other"});
    CHECK(std::count(other.begin(), other.end(), '\n') == 2);
    CHECK(graft_cli(fixture.path, {"runs", "--experiment", "sweep", "--status", "interrupted"}) ==
          "no matching runs in " + fixture.path.string() + "\n");
  }
  SECTION("invalid status lists the valid ones") {
    CHECK_THROWS_AS(graft_cli(fixture.path, {"runs", "--status", "done"}), InputError);
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"runs", "--status", "complete"}),
                      "unknown status 'complete' (did you mean 'completed'?); valid statuses: running, "
                      "completed, failed, interrupted");
  }
  SECTION("an unknown experiment is named with the known ones") {
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"runs", "--experiment", "swep"}),
                      Contains("no experiment 'swep'") && Contains("did you mean 'sweep'?") &&
                          Contains("experiments: other, sweep"));
  }
  SECTION("json") {
    const json runs = json::parse(graft_cli(fixture.path, {"runs", "--json"}));
    REQUIRE(runs.size() == 4);
    CHECK(runs[0]["id"] == 1);
    CHECK(runs[0]["status"] == "completed");
    CHECK(runs[0]["final_metrics"]["test.accuracy"] == 0.875);
    CHECK(runs[0]["final_metrics"]["best.test.accuracy"] == 0.88);
    CHECK(runs[0]["duration_s"].is_number());
    CHECK(runs[1]["error"] == "loss became NaN");
    CHECK(runs[3]["final_metrics"]["val.accuracy"].is_null());
    CHECK(runs[3]["ended_at"].is_null());
  }
  SECTION("csv") {
    const std::string csv = graft_cli(fixture.path, {"runs", "--csv"});
    CHECK_THAT(csv, Contains("id,experiment,trial,status,seed,started_at,ended_at,duration_s,test.accuracy,val.accuracy,best.test.accuracy\n"));
    CHECK_THAT(csv, Contains("\n1,sweep,\"train.lr=0.001,seed=10\",completed,10,"));
    CHECK_THAT(csv, Contains(",0.875,0.901,0.88\n"));
  }
}

TEST_CASE("graft runs on a missing store says how to get one", "[cli][runs]") {
  TempDir dir;
  CHECK_THROWS_WITH(graft_cli(dir.file("none.db"), {"runs"}),
                    "no results store at " + dir.file("none.db").string() + " (run an experiment first, or pass --db)");
  CHECK_FALSE(std::filesystem::exists(dir.file("none.db")));
}

TEST_CASE("graft show prints one run", "[cli][show]") {
  Fixture fixture;
  const std::string out = graft_cli(fixture.path, {"show", "2"});
  CHECK_THAT(out, Contains("run         2\n"));
  CHECK_THAT(out, Contains("experiment  sweep\n"));
  CHECK_THAT(out, Contains("status      failed\n"));
  CHECK_THAT(out, Contains("host        testhost (pid 4242)\n"));
  CHECK_THAT(out, Contains("error       loss became NaN\n"));
  CHECK_THAT(out, Contains("config      sha256 0123456789ab\n"));
  CHECK(std::regex_search(out, std::regex(R"(\nparams\nkey +value\ndataset.classes +\[1, 2\]\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\ntrain.lr +0.0003\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\nfinal metrics\nkey +value +step +epoch\nbest.test.accuracy +0.88 +20\ntest.accuracy +0.875 +20\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\nepochs\nepoch +train.loss +val.accuracy\n +2 +1 +0.7003\n +3 +0.5 +0.9003\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\nplugins\nkind +name +version +sha256 +path\nmodel +small_cnn +1.0.0 +aa11 +/plugins/)")));
  CHECK(std::regex_search(out, std::regex(R"(\nartifacts\nname +size +sha256 +path\nbest +2.0 KiB +0123456789ab +runs/best.pt\n)")));

  SECTION("a run without metrics says so") {
    const std::string fresh = graft_cli(fixture.path, {"show", "4"});
    CHECK_THAT(fresh, Contains("final metrics: none\n"));
    CHECK_THAT(fresh, Contains("epochs: none\n"));
    CHECK_THAT(fresh, Contains("heartbeat   "));
  }
  SECTION("json") {
    const json run = json::parse(graft_cli(fixture.path, {"show", "1", "--json"}));
    CHECK(run["id"] == 1);
    CHECK(run["params"]["train.lr"] == 1e-3);
    CHECK(run["params"]["train.epochs"] == 3);
    CHECK(run["params"]["model.plugin"] == "small_cnn");
    CHECK(run["final_metrics"]["test.accuracy"]["value"] == 0.875);
    CHECK(run["final_metrics"]["test.accuracy"]["epoch"].is_null());
    CHECK(run["epochs"][1]["metrics"]["train.loss"] == 0.5);
    CHECK(run["artifacts"][0]["bytes"] == 2048);
    CHECK(run["error"].is_null());
  }
  SECTION("unknown run") {
    CHECK_THROWS_AS(graft_cli(fixture.path, {"show", "99"}), InputError);
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"show", "99"}), "no run 99 in " + fixture.path.string());
  }
}

TEST_CASE("graft compare shows differing params and final metrics side by side", "[cli][compare]") {
  Fixture fixture;
  const std::string out = graft_cli(fixture.path, {"compare", "1", "2"});
  // train.lr and experiment.seed differ; the other four params are equal.
  CHECK_THAT(out, Contains("params that differ (4 equal in every run, hidden)\n"));
  CHECK(std::regex_search(out, std::regex(R"(\nkey +run 1 +run 2\nexperiment.seed +10 +3\ntrain.lr +0.001 +0.0003\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\nfinal metrics\nkey +run 1 +run 2\nbest.test.accuracy +0.88 +0.88\ntest.accuracy +0.875 +0.875\n)")));
  CHECK(std::regex_search(out, std::regex(R"(\nval.accuracy +0.901 +0.9003\n)")));

  SECTION("a run without metrics leaves its cells empty") {
    const std::string with_fresh = graft_cli(fixture.path, {"compare", "1", "4"});
    CHECK(std::regex_search(with_fresh, std::regex(R"(\ntest.accuracy +0.875\n)")));
  }
  SECTION("json") {
    const json result = json::parse(graft_cli(fixture.path, {"compare", "1", "2", "3", "--json"}));
    CHECK(result["runs"].size() == 3);
    CHECK(result["differing_params"]["train.lr"] == json::array({1e-3, 3e-4, 3e-4}));
    CHECK(result["equal_params"]["model.plugin"] == "small_cnn");
    CHECK(result["final_metrics"]["test.accuracy"] == json::array({0.875, 0.875, 0.875}));
  }
  SECTION("bad input") {
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"compare", "1"}), Contains("at least two run ids"));
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"compare", "1", "1"}), Contains("run 1 is given twice"));
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"compare", "1", "42"}), "no run 42 in " + fixture.path.string());
  }
}

TEST_CASE("graft query prints results and refuses writes", "[cli][query]") {
  Fixture fixture;
  const std::string out =
      graft_cli(fixture.path, {"query", "SELECT run_id, status, test_accuracy FROM run_overview ORDER BY run_id"});
  CHECK(std::regex_search(out, std::regex(R"(^run_id +status +test_accuracy\n +1 +completed +0.875\n)")));

  CHECK(graft_cli(fixture.path, {"query", "SELECT 1 AS a WHERE 0"}) == "a\n(no rows)\n");
  CHECK(graft_cli(fixture.path, {"query", "--csv", "SELECT 'x,y' AS a, 0.1 + 0.2 AS b, NULL AS c"}) ==
        "a,b,c\n\"x,y\",0.30000000000000004,\n");
  const json rows = json::parse(graft_cli(fixture.path, {"query", "--json", "SELECT id, trial, seed / 10.0 AS s FROM runs LIMIT 1"}));
  CHECK(rows == json::parse(R"([{"id": 1, "trial": "train.lr=0.001,seed=10", "s": 1.0}])"));
  CHECK_THROWS_WITH(graft_cli(fixture.path, {"query", "--json", "SELECT 1 AS a, 2 AS a"}), Contains("two columns named 'a'"));

  SECTION("DELETE is refused and the runs are still there") {
    CHECK_THROWS_AS(graft_cli(fixture.path, {"query", "DELETE FROM runs"}), storage::QueryError);
    CHECK_THROWS_WITH(graft_cli(fixture.path, {"query", "DELETE FROM runs"}), Contains("read-only"));
    CHECK(graft_cli(fixture.path, {"query", "--csv", "SELECT count(*) AS n FROM runs"}) == "n\n4\n");
  }
}
