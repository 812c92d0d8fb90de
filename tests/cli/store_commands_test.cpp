#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "experiment_files.hpp"
#include "graft/hash.hpp"
#include "support/run_graft.hpp"
#include "support/temp_folder.hpp"

using graft::testing::run_graft;

TEST_CASE("runs, show, compare and query read what a run recorded, and query cannot write") {
  graft::testing::TempFolder folder("cli-store");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  REQUIRE(run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=1"}).status == 0);
  REQUIRE(run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=1", "--set",
                                    "train.lr=0.02"}).status == 0);

  const auto runs = run_graft(folder.path(), {"runs", "--experiment", "tiny"});
  CHECK(runs.status == 0);
  CHECK_THAT(runs.out, Catch::Contains("completed"));

  const auto show = run_graft(folder.path(), {"show", "1"});
  CHECK(show.status == 0);
  CHECK_THAT(show.out, Catch::Contains("train.lr"));
  CHECK_THAT(show.out, Catch::Contains("val.accuracy"));

  const auto compare = run_graft(folder.path(), {"compare", "1", "2", "--json"});
  CHECK(compare.status == 0);
  CHECK_THAT(compare.out, Catch::Contains("train.lr"));
  CHECK_THAT(compare.out, Catch::Contains("0.02"));

  const auto query = run_graft(folder.path(), {"query", "SELECT count(*) AS n FROM runs", "--csv"});
  CHECK(query.status == 0);
  CHECK_THAT(query.out, Catch::Contains("n\n2"));

  const auto before = graft::sha256_file(folder / "graft.db");
  const auto refused = run_graft(folder.path(), {"query", "DELETE FROM runs"});
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::StartsWith("error: "));
  CHECK(graft::sha256_file(folder / "graft.db") == before);
  CHECK_THAT(run_graft(folder.path(), {"query", "SELECT count(*) FROM runs", "--csv"}).out, Catch::Contains("2"));

  const auto missing = run_graft(folder.path(), {"show", "99"});
  CHECK(missing.status == 2);
}

namespace {

// The lines of `text` after the first line equal to `heading`.
std::vector<std::string> lines_after(const std::string& text, const std::string& heading) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  bool found = false;
  for (std::string line; std::getline(in, line);) {
    if (found) lines.push_back(line);
    found = found || line == heading;
  }
  return lines;
}

std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(' ');
  return begin == std::string::npos ? "" : text.substr(begin);
}

}  // namespace

TEST_CASE("epochs are counted from 1 in what graft prints and from 0 in the store and --json") {
  graft::testing::TempFolder folder("cli-epochs");
  const auto file = graft::testing::write_tiny_experiment(folder.path());
  const auto finished = run_graft(folder.path(), {"run", file.string(), "--no-progress", "--set", "train.epochs=2",
                                                  "--set", "train.monitor=train.loss"});
  INFO(finished.err);
  REQUIRE(finished.status == 0);
  const auto stored = run_graft(folder.path(), {"query", "SELECT value FROM metrics WHERE key = 'best.epoch'", "--csv"});
  const bool best_is_second = stored.out.find("value\n1") == 0;  // the training loss usually falls: epoch 2
  const std::string best = best_is_second ? "2" : "1";
  CHECK_THAT(finished.err, Catch::Contains("best.epoch " + best));

  const auto show = run_graft(folder.path(), {"show", "1"});
  REQUIRE(show.status == 0);
  const auto epochs = lines_after(show.out, "epochs");
  REQUIRE(epochs.size() >= 3);
  CHECK(trimmed(epochs[1]).rfind("1 ", 0) == 0);
  CHECK(trimmed(epochs[2]).rfind("2 ", 0) == 0);
  bool best_row = false;
  for (const auto& line : lines_after(show.out, "final metrics")) {
    if (line.rfind("best.epoch ", 0) == 0) best_row = trimmed(line.substr(10)).rfind(best + " ", 0) == 0;
  }
  CHECK(best_row);

  const auto json = run_graft(folder.path(), {"show", "1", "--json"});
  CHECK_THAT(json.out, Catch::Contains("\"epoch\":0") || Catch::Contains("\"epoch\": 0"));
}

TEST_CASE("graft --help lists every command; a training command's help comes from graft-engine") {
  graft::testing::TempFolder folder("cli-help");
  const auto help = run_graft(folder.path(), {"--help"});
  CHECK(help.status == 0);
  for (const char* name : {"run", "validate", "lr-find", "predict", "runs", "show", "compare", "report"}) {
    CHECK_THAT(help.out, Catch::Contains(std::string("  ") + name + " "));
  }
  const auto run_help = run_graft(folder.path(), {"--db", "x.db", "run", "--help"});
  CHECK(run_help.status == 0);
  CHECK_THAT(run_help.out, Catch::Contains("--jobs"));  // the real command's options, not a placeholder's
  const auto unknown = run_graft(folder.path(), {"rnu"});
  CHECK(unknown.status == 2);
  CHECK_FALSE(std::filesystem::exists(folder / "x.db"));
}
