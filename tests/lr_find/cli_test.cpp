// `graft lr-find` end to end: the real executable on a tiny generated IDX task (3 classes of 8x8
// images, 90 training examples, 11 batches of 8 per pass), read back through the store.
#include <cmath>
#include <cstdlib>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/experiment_files.hpp"
#include "graft/storage/store.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using namespace graft;
using graft::testing::run_graft;
using graft::testing::shell_quote;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using nlohmann::json;

namespace {

std::vector<double> doubles(const json& values) {
  std::vector<double> out;
  for (const auto& value : values) out.push_back(value.is_null() ? std::nan("") : value.get<double>());
  return out;
}

const storage::FinalMetric* final_metric(const storage::RunDetails& run, const std::string& key) {
  for (const auto& metric : run.final_metrics)
    if (metric.key == key) return &metric;
  return nullptr;
}

const storage::ParamRow* param(const storage::RunDetails& run, const std::string& key) {
  for (const auto& row : run.params)
    if (row.key == key) return &row;
  return nullptr;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("graft lr-find ramps the LR exponentially and records an lr_find run with its curve and suggestions") {
  graft::testing::TempFolder folder("lr-find-json");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto finished = run_graft(folder.path(), {"lr-find", file.string(), "--steps", "30", "--start-lr", "1e-5",
                                                  "--end-lr", "0.1", "--divergence", "1000", "--json", "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const json out = json::parse(finished.out);
  CHECK(out["stopped"] == "completed");
  const auto lrs = doubles(out["lrs"]), losses = doubles(out["losses"]), smoothed = doubles(out["smoothed"]);
  REQUIRE(lrs.size() == 30);
  REQUIRE(losses.size() == 30);
  REQUIRE(smoothed.size() == 30);

  // Exponential from start to end: the same factor every step, (end / start)^(1 / 29).
  CHECK(lrs.front() == Approx(1e-5));
  CHECK(lrs.back() == Approx(0.1));
  for (std::size_t i = 1; i < lrs.size(); ++i) CHECK(lrs[i] / lrs[i - 1] == Approx(std::pow(1e4, 1.0 / 29)));
  // The smoothed loss is the debiased moving average (beta 0.98) of the losses.
  double average = 0;
  for (std::size_t i = 0; i < losses.size(); ++i) {
    average = 0.98 * average + 0.02 * losses[i];
    CHECK(smoothed[i] == Approx(average / (1 - std::pow(0.98, static_cast<double>(i + 1)))));
  }
  // The suggestions are LRs of the curve (minimum: a tenth of one).
  for (const char* name : {"valley", "steep", "minimum"}) {
    INFO(name);
    REQUIRE(out["suggestions"][name].is_number());
  }
  const double valley = out["suggestions"]["valley"], steep = out["suggestions"]["steep"];
  const double minimum = out["suggestions"]["minimum"];
  CHECK(std::count(lrs.begin(), lrs.end(), valley) == 1);
  CHECK(std::count(lrs.begin(), lrs.end(), steep) == 1);
  CHECK(std::any_of(lrs.begin(), lrs.end(), [&](double lr) { return lr / 10 == Approx(minimum); }));

  // In the store: a completed run of kind lr_find, the config like any run, its curve by step.
  REQUIRE(out["run"].is_number_integer());
  const std::int64_t id = out["run"];
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(id);
  REQUIRE(run);
  CHECK(run->summary.kind == storage::RunKind::LrFind);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK(run->summary.error.empty());
  CHECK(run->summary.experiment == "tiny");
  CHECK(run->config_hash.size() == 64);
  CHECK_THAT(run->config_toml, Contains("lr = 0.01"));
  REQUIRE(param(*run, "lr_find.steps"));
  CHECK(std::get<std::int64_t>(param(*run, "lr_find.steps")->value) == 30);
  CHECK(std::get<double>(param(*run, "lr_find.end_lr")->value) == Approx(0.1));
  CHECK(std::get<std::string>(param(*run, "model.plugin")->value) == "small_cnn");
  CHECK(param(*run, "task.classes"));
  CHECK(run->plugins.size() == 4);
  const auto stored_lrs = store.metric_series(id, "lr_find.lr");
  const auto stored_losses = store.metric_series(id, "lr_find.loss");
  const auto stored_smoothed = store.metric_series(id, "lr_find.smoothed_loss");
  REQUIRE(stored_lrs.size() == 30);
  REQUIRE(stored_losses.size() == 30);
  REQUIRE(stored_smoothed.size() == 30);
  for (std::size_t i = 0; i < 30; ++i) {
    CHECK(stored_lrs[i].step == static_cast<std::int64_t>(i + 1));
    CHECK(stored_lrs[i].value == Approx(lrs[i]));
    CHECK(stored_losses[i].value == Approx(losses[i]));
    CHECK(stored_smoothed[i].value == Approx(smoothed[i]));
  }
  // 11 batches per pass: step 12 is the first of the second pass over the training split.
  CHECK(stored_lrs[10].epoch == std::optional<std::int64_t>(0));
  CHECK(stored_lrs[11].epoch == std::optional<std::int64_t>(1));
  REQUIRE(final_metric(*run, "lr_find.suggestion.valley"));
  CHECK(final_metric(*run, "lr_find.suggestion.valley")->value == Approx(valley));
  CHECK(final_metric(*run, "lr_find.suggestion.steep")->value == Approx(steep));
  CHECK(final_metric(*run, "lr_find.suggestion.minimum")->value == Approx(minimum));
  CHECK_FALSE(final_metric(*run, "lr_find.suggestion.minimum")->epoch.has_value());
  // A probe: no checkpoint, no run folder.
  CHECK(run->artifacts.empty());
  CHECK_FALSE(std::filesystem::exists(folder / "graft-runs"));
}

TEST_CASE("a high end LR makes the smoothed loss diverge and the test stop early") {
  graft::testing::TempFolder folder("lr-find-diverge");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto finished = run_graft(folder.path(), {"lr-find", file.string(), "--start-lr", "1e-3", "--end-lr", "1e6",
                                                  "--steps", "100", "--json", "--no-progress"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const json out = json::parse(finished.out);
  const std::string stopped = out["stopped"];
  REQUIRE_THAT(stopped, StartsWith("diverged at step "));
  const auto steps = std::stoul(stopped.substr(std::string("diverged at step ").size()));
  CHECK(steps < 100);
  CHECK(out["lrs"].size() == steps);
  CHECK(out["smoothed"].size() == steps);
  // The step that diverged is the last of the curve: above 4x the lowest smoothed loss, or NaN.
  const auto smoothed = doubles(out["smoothed"]);
  const double lowest = *std::min_element(smoothed.begin(), smoothed.end() - 1);
  CHECK((std::isnan(smoothed.back()) || smoothed.back() > 4 * lowest));
  for (std::size_t i = 0; i + 1 < smoothed.size(); ++i) {
    const double lowest_so_far = *std::min_element(smoothed.begin(), smoothed.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    CHECK(smoothed[i] <= 4 * lowest_so_far);
  }
  // Recorded as completed, with how it stopped as the run's note.
  const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
  const auto run = store.get_run(out["run"].get<std::int64_t>());
  REQUIRE(run);
  CHECK(run->summary.status == storage::RunStatus::Completed);
  CHECK(run->summary.error == stopped);
  CHECK(store.metric_series(run->summary.id, "lr_find.loss").size() == steps);
}

TEST_CASE("the same seed gives the same curve, another seed another, and --no-store writes nothing") {
  graft::testing::TempFolder folder("lr-find-seed");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const std::vector<std::string> args = {"lr-find", file.string(), "--steps", "15", "--json", "--no-store",
                                         "--no-progress"};
  const auto first = run_graft(folder.path(), args), second = run_graft(folder.path(), args);
  auto other_args = args;
  other_args.insert(other_args.end(), {"--set", "experiment.seed=6"});
  const auto other = run_graft(folder.path(), other_args);
  INFO(first.err << second.err << other.err);
  REQUIRE(first.status == 0);
  REQUIRE(second.status == 0);
  REQUIRE(other.status == 0);
  const json a = json::parse(first.out), b = json::parse(second.out), c = json::parse(other.out);
  CHECK(a["losses"] == b["losses"]);
  CHECK(a["smoothed"] == b["smoothed"]);
  CHECK(a["suggestions"] == b["suggestions"]);
  CHECK(a["losses"] != c["losses"]);
  CHECK(a["lrs"] == c["lrs"]);
  CHECK(a["run"].is_null());
  CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
}

TEST_CASE("without a terminal graft lr-find prints a table of the steps and the suggestions") {
  graft::testing::TempFolder folder("lr-find-table");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto finished = run_graft(folder.path(), {"lr-find", file.string(), "--steps", "12", "--end-lr", "0.01",
                                                  "--divergence", "100", "--no-store"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  CHECK_THAT(finished.out, StartsWith("tiny seed=5: LR range test, 12 of 12 step(s) from 1e-07 to 0.01: completed\n"));
  CHECK(std::regex_search(finished.out, std::regex("\nstep +lr +loss +smoothed\n +1 +1e-07 ")));
  CHECK(std::regex_search(finished.out, std::regex("\n +12 +0.01 ")));
  CHECK_THAT(finished.out, Contains("suggested [train] lr") && Contains("valley") && Contains("steep") &&
                               Contains("minimum/10"));
  CHECK_THAT(finished.out, !Contains("\xE2\xA0"));  // no Braille chart
  CHECK_THAT(finished.out, !Contains("recorded as run"));
}

TEST_CASE("lr_find runs are kept out of graft run's skipping, compare and the report's comparison, and plotted") {
  graft::testing::TempFolder folder("lr-find-store");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto found = run_graft(folder.path(), {"lr-find", file.string(), "--steps", "30", "--no-progress",
                                               "--set", "train.epochs=1"});
  INFO(found.err);
  REQUIRE(found.status == 0);
  CHECK_THAT(found.out, Contains("recorded as run 1 (kind lr_find)"));

  // The lr_find run has the config hash and seed of the trial, but does not count as done.
  const auto trained = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=1"});
  INFO(trained.err);
  REQUIRE(trained.status == 0);
  CHECK_THAT(trained.err, !Contains("skipping"));
  const auto again = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=1"});
  CHECK_THAT(again.err, Contains("skipping trial 1 seed=5 (run 2 already completed it"));

  const auto compared = run_graft(folder.path(), {"compare", "--experiment", "tiny", "--json"});
  INFO(compared.err);
  REQUIRE(compared.status == 0);
  const json comparison = json::parse(compared.out);
  REQUIRE(comparison["groups"].size() == 1);
  CHECK(comparison["groups"][0]["runs"] == json::array({2}));

  const auto listed = run_graft(folder.path(), {"runs"});
  CHECK(std::regex_search(listed.out, std::regex("\n *1 +tiny +seed=5 +lr_find +completed ")));
  CHECK(std::regex_search(listed.out, std::regex("\n *2 +tiny +seed=5 +train +completed ")));

  const auto page = folder / "report.html";
  const auto made = run_graft(folder.path(), {"report", "--experiment", "tiny", "--out", page.string()});
  INFO(made.err);
  REQUIRE(made.status == 0);
  const std::string html = graft::testing::read_text(page);
  CHECK_THAT(html, Contains("1 completed run(s) in 1 group(s) and 1 LR range test(s)"));
  CHECK_THAT(html, Contains("<table id=\"lr-find-suggestions\">") && Contains("\"lr_find\":[{\"id\":1,"));

  // The page in a real browser, as tests/report does: every chart drawn, the lr_find one with
  // its suggestions marked, and no error.
  if (std::system("command -v chromium > /dev/null 2>&1") != 0) {
    FAIL("chromium is not installed: run scripts/install-deps (Debian package 'chromium')");
  }
  const auto dom_file = folder / "dom.html", log_file = folder / "chromium.err";
  const std::string command =
      "chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir=" + shell_quote((folder / "profile").string()) +
      " --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom " + shell_quote("file://" + page.string()) +
      " > " + shell_quote(dom_file.string()) + " 2> " + shell_quote(log_file.string());
  REQUIRE(std::system(command.c_str()) == 0);
  std::string dom = graft::testing::read_text(dom_file);
  INFO("chromium stderr:\n" << graft::testing::read_text(log_file));
  // The page's own script text mentions what is counted below: leave it out.
  for (std::size_t start = dom.find("<script"); start != std::string::npos; start = dom.find("<script", start)) {
    const std::size_t end = dom.find("</script>", start);
    dom.erase(start, end == std::string::npos ? std::string::npos : end + 9 - start);
  }
  CHECK(dom.find("data-errors=") == std::string::npos);
  const std::size_t charts = count(dom, "class=\"chart\"");
  CHECK(charts >= 2);
  CHECK(count(dom, "data-drawn=\"true\"") == charts);
  const auto lr_find_chart = dom.find("data-metric=\"lr_find\"");
  REQUIRE(lr_find_chart != std::string::npos);
  const std::string chart = dom.substr(lr_find_chart, dom.find("</svg>", lr_find_chart) - lr_find_chart);
  CHECK(count(chart, "<polyline") >= 2);  // the loss and the smoothed loss
  CHECK(count(chart, "<circle") == 3);    // valley, steep, minimum/10
  CHECK_THAT(chart, Contains("learning rate (log scale)"));
}

TEST_CASE("bad input exits with status 2 and leaves nothing in the store") {
  graft::testing::TempFolder folder("lr-find-bad");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"lr-find", (folder / "missing.toml").string()}, "missing.toml"},
      {{"lr-find", file.string(), "--set", "train.lr=abc"}, "--set train.lr=abc: error: 'lr' must be a float"},
      {{"lr-find", file.string(), "--start-lr", "1", "--end-lr", "0.1"}, "error: --start-lr (1) must be below --end-lr (0.1)"},
      {{"lr-find", file.string(), "--start-lr", "0"}, "error: --start-lr must be a learning rate above 0, got 0"},
      {{"lr-find", file.string(), "--steps", "1"}, "error: --steps must be between 2 and 10000, got 1"},
      {{"lr-find", file.string(), "--divergence", "1"}, "error: --divergence must be above 1"},
      {{"lr-find", file.string(), "--trial", "2"}, "error: --trial 2 is out of range: the experiment has 1 trial(s)"},
      {{"lr-find", file.string(), "--set", "dataset.path=" + (folder / "nowhere").string()}, "nowhere"},
  };
  const auto check_all = [&] {
    for (const auto& [args, message] : cases) {
      const auto finished = run_graft(folder.path(), args);
      INFO(args.back() << "\n" << finished.err);
      CHECK(finished.status == 2);
      CHECK_THAT(finished.err, Contains(message));
      CHECK(finished.out.empty());
    }
  };
  SECTION("no store is created") {
    check_all();
    CHECK_FALSE(std::filesystem::exists(folder / "graft.db"));
  }
  SECTION("an existing store gets no run") {
    const auto good = run_graft(folder.path(), {"lr-find", file.string(), "--steps", "3", "--no-progress"});
    REQUIRE(good.status == 0);
    check_all();
    const auto store = storage::Store::open(folder / "graft.db", storage::Store::Access::ReadOnly);
    CHECK(store.list_runs().size() == 1);
  }
}
