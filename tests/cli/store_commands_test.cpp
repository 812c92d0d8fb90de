#include <catch2/catch.hpp>

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
