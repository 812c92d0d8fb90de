// `graft runs --filter/--sort/--limit`, `graft compare --experiment --group-by`, `graft export`
// and `graft report` on a store written through the storage library: parse argv with the real
// CLI11 subcommands and check what they print.
#include <fstream>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "graft/errors.hpp"
#include "support/store_commands.hpp"
#include "test_support.hpp"

using namespace graft;
using graft::testing::graft_cli;
using graft::testing::Printed;
using graft::storage::test::TempDir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {

// "sweep": two lrs x three seeds, completed, with best.* metrics that depend on both; one failed
// run that must not count in comparisons.
struct Fixture {
  TempDir dir;
  std::filesystem::path path = dir.file("graft.db");

  Fixture() {
    storage::Store store = storage::Store::open(path);
    const double accuracy[2][3] = {{0.90, 0.92, 0.94}, {0.80, 0.81, 0.85}};
    for (int lr_index = 0; lr_index < 2; ++lr_index) {
      for (int seed = 0; seed < 3; ++seed) {
        const double lr = lr_index == 0 ? 3e-4 : 1e-3;
        const auto run = store.begin_run(storage::test::sample_run("sweep", seed, lr));
        for (std::int64_t epoch = 0; epoch < 3; ++epoch) {
          store.log_metrics(run, {{"train.loss", epoch * 10 + 5, epoch, 1.0 / (epoch + 1), 0},
                                  {"val.accuracy", epoch * 10 + 10, epoch, 0.6 + 0.1 * epoch, 0},
                                  {"lr", epoch * 10, epoch, lr, 0}});
        }
        store.log_metrics(run, {{"best.test.accuracy", 30, std::nullopt, accuracy[lr_index][seed], 0},
                                {"best.val.accuracy", 30, std::nullopt, accuracy[lr_index][seed] - 0.01, 0}});
        store.finish_run(run, storage::RunStatus::Completed);
      }
    }
    const auto failed = store.begin_run(storage::test::sample_run("sweep", 9, 3e-4));
    store.log_metrics(failed, {{"best.test.accuracy", 1, std::nullopt, 0.1, 0}});
    store.finish_run(failed, storage::RunStatus::Failed, "diverged");
  }
};

}  // namespace

TEST_CASE("graft runs --filter --sort --limit chooses and orders runs", "[cli][runs][filter]") {
  Fixture fixture;
  const auto chosen = graft_cli(fixture.path, {"runs", "--filter", "params.train.lr = 3e-4 and status = 'completed'",
                                               "--sort", "-metrics.best.test.accuracy", "--limit", "2", "--csv"});
  INFO(chosen.err);
  REQUIRE(chosen.status == 0);
  // Runs 1..3 have lr 3e-4 with accuracies 0.90, 0.92, 0.94: best first, two of them.
  std::istringstream lines(chosen.out);
  std::string header, first, second, extra;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  CHECK(first.rfind("3,", 0) == 0);
  CHECK(second.rfind("2,", 0) == 0);
  CHECK_FALSE(std::getline(lines, extra));

  const auto none = graft_cli(fixture.path, {"runs", "--filter", "metrics.best.test.accuracy > 0.99"});
  CHECK(none.status == 0);
  CHECK_THAT(none.out, Contains("no matching runs"));
}

TEST_CASE("a malformed filter is one line naming the token, exit 2", "[cli][runs][filter]") {
  Fixture fixture;
  const auto bad = graft_cli(fixture.path, {"runs", "--filter", "metrics.best.test.accuracy > and seed = 1"});
  CHECK(bad.status == 2);
  CHECK(bad.err == "filter: error at column 30: expected a value after '>', got 'and'\n");
  CHECK(bad.out.empty());
}

TEST_CASE("graft compare --experiment --group-by gives mean, std, min, max and n per group", "[cli][compare]") {
  Fixture fixture;
  const auto table = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "train.lr"});
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK_THAT(table.out, Contains("6 completed run(s) in 2 group(s) by train.lr"));
  CHECK_THAT(table.out, Contains("0.920 ± 0.020"));  // lr 3e-4: 0.90, 0.92, 0.94, std to 2 digits

  const auto out = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "train.lr", "--metric",
                                            "best.test.accuracy", "--json"});
  INFO(out.err);
  REQUIRE(out.status == 0);
  const json parsed = json::parse(out.out);
  REQUIRE(parsed["groups"].size() == 2);
  const json& small_lr = parsed["groups"][0];  // sorted by value: 3e-4 first
  CHECK(small_lr["params"]["train.lr"].get<double>() == Approx(3e-4));
  CHECK(small_lr["n"] == 3);
  const json& stats = small_lr["metrics"]["best.test.accuracy"];
  CHECK(stats["mean"].get<double>() == Approx(0.92));
  CHECK(stats["std"].get<double>() == Approx(0.02));
  CHECK(stats["min"].get<double>() == Approx(0.90));
  CHECK(stats["max"].get<double>() == Approx(0.94));

  const auto csv = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "train.lr", "--csv"});
  INFO(csv.err);
  REQUIRE(csv.status == 0);
  CHECK_THAT(csv.out, Contains("train.lr,metric,n,mean,std,min,max\n"));

  // The default grouping is by the params that differ (the seed aside): train.lr here.
  const auto grouped = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--json"});
  CHECK(json::parse(grouped.out)["group_by"] == json::array({"train.lr"}));
}

TEST_CASE("compare refuses unknown experiments, keys and metrics with suggestions", "[cli][compare]") {
  Fixture fixture;
  const auto experiment = graft_cli(fixture.path, {"compare", "--experiment", "swep"});
  CHECK(experiment.status == 2);
  CHECK_THAT(experiment.err, Contains("no experiment 'swep'") && Contains("did you mean 'sweep'"));
  const auto key = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "train.lrr"});
  CHECK(key.status == 2);
  CHECK_THAT(key.err, Contains("has param 'train.lrr'") && Contains("did you mean 'train.lr'"));
  const auto metric = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--metric", "best.test.acc"});
  CHECK(metric.status == 2);
  CHECK_THAT(metric.err, Contains("metric 'best.test.acc'"));
  // The run-id form still works.
  CHECK(graft_cli(fixture.path, {"compare", "1", "4", "--json"}).status == 0);
  CHECK(graft_cli(fixture.path, {"compare", "1", "--experiment", "sweep"}).status == 2);
}

TEST_CASE("compare takes a short name that names one key, and lists the keys one names several", "[cli][compare]") {
  Fixture fixture;
  const auto whole = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "train.lr", "--metric",
                                              "best.test.accuracy", "--csv"});
  REQUIRE(whole.status == 0);
  const auto tails = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "lr", "--metric",
                                              "test.accuracy", "--csv"});
  INFO(tails.err);
  CHECK(tails.status == 0);
  CHECK(tails.out == whole.out);
  const auto table = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--group-by", "model", "--csv"});
  CHECK_THAT(table.out, StartsWith("model.plugin,metric,"));  // a table's name: its plugin
  const auto ambiguous = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--metric", "accuracy"});
  CHECK(ambiguous.status == 2);
  CHECK_THAT(ambiguous.err, Contains("metric 'accuracy' is ambiguous: it could be best.test.accuracy, "
                                     "best.val.accuracy, val.accuracy; write the whole key"));
  // A near miss suggests the key it starts, before a closer spelling.
  const auto prefix = graft_cli(fixture.path, {"compare", "--experiment", "sweep", "--metric", "best.test.acc"});
  CHECK_THAT(prefix.err, Contains("metric 'best.test.acc' (did you mean 'best.test.accuracy'?)"));
}

TEST_CASE("compare groups by default by the params every run has and not all share: the sweep's axes",
          "[cli][compare]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    storage::Store store = storage::Store::open(path);
    // Two strategies; only the second has a param of its own, as a swept plugin's params are.
    for (const bool decayed : {false, true}) {
      for (std::int64_t seed = 1; seed <= 2; ++seed) {
        auto run = storage::test::sample_run("plugins", seed, 3e-4);
        run.params.push_back({"strategy.plugin", std::string(decayed ? "discriminative_lr" : "full")});
        if (decayed) run.params.push_back({"strategy.decay", 0.5});
        const auto id = store.begin_run(run);
        store.log_metrics(id, {{"best.test.accuracy", 30, std::nullopt, decayed ? 0.9 : 0.8, 0}});
        store.finish_run(id, storage::RunStatus::Completed);
      }
    }
  }
  const auto table = graft_cli(path, {"compare", "--experiment", "plugins"});
  INFO(table.err);
  REQUIRE(table.status == 0);
  CHECK_THAT(table.out, StartsWith("plugins: 4 completed run(s) in 2 group(s) by strategy.plugin\n"));
}

TEST_CASE("graft export writes one row per run with params and final metrics", "[cli][export]") {
  Fixture fixture;
  const auto csv = graft_cli(fixture.path, {"export", "--experiment", "sweep", "--csv"});
  INFO(csv.err);
  REQUIRE(csv.status == 0);
  CHECK_THAT(csv.out, Contains("params.train.lr") && Contains("metrics.best.test.accuracy"));
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 1 + 7);  // header + every run, failed included

  const auto out = graft_cli(fixture.path, {"export", "--experiment", "sweep", "--json"});
  INFO(out.err);
  REQUIRE(out.status == 0);
  const json runs = json::parse(out.out);
  REQUIRE(runs.size() == 7);
  CHECK(runs[2]["metrics"]["best.test.accuracy"].get<double>() == Approx(0.94));
  CHECK(runs[2]["params"]["train.lr"].get<double>() == Approx(3e-4));
  CHECK(runs[6]["status"] == "failed");

  CHECK(graft_cli(fixture.path, {"export", "--experiment", "sweep"}).status == 2);  // neither --csv nor --json
}

TEST_CASE("graft report writes one self-contained page with the data, tables and script", "[cli][report]") {
  Fixture fixture;
  const auto out = fixture.dir.file("report.html");
  const auto made = graft_cli(fixture.path, {"report", "--experiment", "sweep", "--out", out.string()});
  INFO(made.err);
  REQUIRE(made.status == 0);
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  const std::string html = text.str();
  CHECK_THAT(html, Contains("<table id=\"comparison\">") && Contains("0.920 ± 0.020"));
  CHECK_THAT(html, Contains("<div class=\"table-box\">\n<table id=\"differing\">"));
  CHECK_THAT(html, Contains("<div class=\"table-box\">\n<table id=\"comparison\">"));
  CHECK_THAT(html, Contains("id=\"report-data\"") && Contains("\"curves\":[\"train.loss\",\"val.accuracy\"]"));
  // Offline: nothing is fetched.
  CHECK_THAT(html, !Contains("src=\"http") && !Contains("href=\"http"));
  CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));
}

namespace {

// The JSON the page embeds (report_data()), read back from its <script> element.
json embedded_report_data(const std::string& html) {
  const std::string start = "id=\"report-data\">";
  const auto from = html.find(start) + start.size();
  return json::parse(html.substr(from, html.find("</script>", from) - from));
}

}  // namespace

TEST_CASE("graft report charts train and val curves first and tables what each run measured once", "[cli][report]") {
  TempDir dir;
  const auto path = dir.file("graft.db");
  {
    storage::Store store = storage::Store::open(path);
    // Two runs with model.pretrained and two without; all four on the same LR schedule; the
    // test split measured once, at the best epoch (stored epoch 1).
    for (std::int64_t seed = 1; seed <= 4; ++seed) {
      auto run = storage::test::sample_run("once", seed, 3e-4);
      if (seed <= 2) run.params.push_back({"model.pretrained", std::int64_t{1}});
      const auto id = store.begin_run(run);
      for (std::int64_t epoch = 0; epoch < 3; ++epoch) {
        store.log_metrics(id, {{"train.loss", epoch * 10 + 10, epoch, 1.0 / (epoch + 1), 0},
                               {"val.loss", epoch * 10 + 10, epoch, 1.5 / (epoch + 1), 0},
                               {"lr", epoch * 10 + 10, epoch, 0.01 / (epoch + 1), 0}});
      }
      store.log_metrics(id, {{"test.loss", 30, 1, 0.7, 0}, {"test.accuracy", 30, 1, 0.8 + 0.01 * seed, 0},
                             {"best.test.accuracy", 30, std::nullopt, 0.8 + 0.01 * seed, 0}});
      store.finish_run(id, storage::RunStatus::Completed);
    }
  }
  const auto out = dir.file("report.html");
  const auto made = graft_cli(path, {"report", "--experiment", "once", "--group-by", "model.pretrained", "--out",
                                     out.string()});
  INFO(made.err);
  REQUIRE(made.status == 0);
  std::ifstream file(out);
  std::stringstream text;
  text << file.rdbuf();
  const std::string html = text.str();
  const json data = embedded_report_data(html);

  CHECK(data["curves"] == json::array({"train.loss", "val.loss"}));
  CHECK(data["once"] == json::array({"test.loss", "test.accuracy"}));
  const json& first = data["runs"][0];
  CHECK(first["epochs"]["train.loss"][0][0] == 1);  // epochs as people count them
  CHECK(first["once"]["test.accuracy"] == json::array({json::array({2, 0.81})}));
  CHECK(first["epochs"].count("test.loss") == 0);
  CHECK_THAT(html, Contains("<table id=\"once\">") && Contains("title=\"epoch 2\">0.81<"));

  // The runs without the param are a group of their own, said so.
  CHECK(data["groups"] == json::array({"model.pretrained=(none)", "model.pretrained=1"}));
  CHECK_THAT(html, Contains("model.pretrained=(none)</td>"));
  const auto compared = graft_cli(path, {"compare", "--experiment", "once", "--group-by", "model.pretrained"});
  CHECK_THAT(compared.out, Contains("\n(none)  ") && Contains("0.8350 ± 0.0071"));

  // One LR line for the four identical schedules.
  REQUIRE(data["lr_lines"].size() == 1);
  CHECK(data["lr_lines"][0]["label"] == "all 2 groups");
  CHECK(data["lr_lines"][0]["runs"].size() == 4);
}
