// Run filters and sort keys (Store::find_runs), and the lookup of a completed trial.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;

namespace {

// Four runs of "sweep": lr 1e-3 (seed 1), 3e-4 (seeds 2 and 3, the last failed) and 1e-4 (seed 4,
// still running); one run of "other". Accuracy rises then falls, so best and final differ.
struct Runs {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));

  Runs() {
    const double lrs[] = {1e-3, 3e-4, 3e-4, 1e-4};
    for (int index = 0; index < 4; ++index) {
      const auto run = store.begin_run(test::sample_run("sweep", index + 1, lrs[index]));
      store.log_metrics(run, {{"test.accuracy", 10, 0, 0.80 + 0.05 * index, 0},
                              {"test.accuracy", 20, 1, 0.70 + 0.05 * index, 0}});
      if (index == 2) store.finish_run(run, RunStatus::Failed, "diverged");
      if (index < 2) store.finish_run(run, RunStatus::Completed);
    }
    store.finish_run(store.begin_run(test::sample_run("other", 9)), RunStatus::Completed);
  }

  std::vector<std::int64_t> ids(const std::string& filter, const std::string& sort = "",
                                std::optional<std::int64_t> limit = std::nullopt) const {
    RunQuery query;
    query.filter = filter;
    query.sort = sort;
    query.limit = limit;
    std::vector<std::int64_t> ids;
    for (const auto& run : store.find_runs(query)) ids.push_back(run.id);
    return ids;
  }

  std::string error(const std::string& filter, const std::string& sort = "") const {
    try {
      ids(filter, sort);
    } catch (const FilterError& error) {
      return error.what();
    }
    return "no error";
  }
};

using Ids = std::vector<std::int64_t>;

}  // namespace

TEST_CASE("filters compare final metrics, params and run attributes", "[storage][filter]") {
  Runs runs;
  CHECK(runs.ids("") == Ids{1, 2, 3, 4, 5});
  CHECK(runs.ids("metrics.test.accuracy > 0.76") == Ids{3, 4});  // final values: 0.70, 0.75, 0.80, 0.85
  CHECK(runs.ids("params.train.lr = 3e-4 and experiment = 'sweep'") == Ids{2, 3});
  CHECK(runs.ids("params.train.lr = 0.0003 and status = 'completed'") == Ids{2, 5});  // run 5: the default lr
  CHECK(runs.ids("status != \"completed\"") == Ids{3, 4});
  CHECK(runs.ids("experiment = 'other' or seed >= 4") == Ids{4, 5});
  CHECK(runs.ids("params.model.plugin like 'small%' and id <= 2") == Ids{1, 2});
  CHECK(runs.ids("trial LIKE '%' AND NOT (id = 1 OR id = 5)") == Ids{2, 3, 4});
  CHECK(runs.ids("params.train.epochs = 3 and params.train.lr < 1e-3") == Ids{2, 3, 4, 5});
}

TEST_CASE("precedence is not, then and, then or; parentheses group", "[storage][filter]") {
  Runs runs;
  CHECK(runs.ids("id = 1 or id = 2 and status = 'failed'") == Ids{1});
  CHECK(runs.ids("(id = 1 or id = 3) and status = 'failed'") == Ids{3});
  CHECK(runs.ids("not id = 1 and not id = 2") == Ids{3, 4, 5});
}

TEST_CASE("metrics.max and metrics.min compare the best value over every step", "[storage][filter]") {
  Runs runs;
  CHECK(runs.ids("metrics.max(test.accuracy) >= 0.85") == Ids{2, 3, 4});  // best: 0.80 .. 0.95
  CHECK(runs.ids("metrics.min(test.accuracy) < 0.72") == Ids{1});
  CHECK(runs.ids("metrics.missing > 0").empty());  // a run without the metric never matches
}

TEST_CASE("sort keys order runs, missing values last, and limit keeps the first", "[storage][filter]") {
  Runs runs;
  CHECK(runs.ids("", "-metrics.test.accuracy") == Ids{4, 3, 2, 1, 5});
  CHECK(runs.ids("", "metrics.test.accuracy desc", 2) == Ids{4, 3});
  CHECK(runs.ids("", "metrics.test.accuracy asc") == Ids{1, 2, 3, 4, 5});
  CHECK(runs.ids("experiment = 'sweep'", "params.train.lr, -seed") == Ids{4, 3, 2, 1});
  CHECK(runs.ids("", "", 1) == Ids{1});
}

TEST_CASE("a malformed filter is one line naming the column and the token", "[storage][filter]") {
  Runs runs;
  CHECK(runs.error("metrics.test.accuracy > 0.9 and params.train.lr > and status = 'completed'") ==
        "filter: error at column 51: expected a value after '>', got 'and'");
  CHECK(runs.error("metrics.test.accuracy 0.9") ==
        "filter: error at column 23: expected an operator (= != < <= > >= like) after 'metrics.test.accuracy', got '0.9'");
  CHECK(runs.error("status = completed") ==
        "filter: error at column 10: expected a value after '=', got 'completed' (quote text: 'completed')");
  CHECK(runs.error("status = 'complete'") ==
        "filter: error at column 10: unknown status 'complete'; statuses: running, completed, failed, interrupted");
  CHECK(runs.error("(id = 1 or id = 2") == "filter: error at column 18: expected ')', got the end of the filter");
  CHECK(runs.error("id = 1 id = 2") == "filter: error at column 8: expected 'and', 'or' or the end of the filter, got 'id'");
  CHECK(runs.error("trial = 'abc") == "filter: error at column 9: the text starting with ' has no closing '");
  CHECK(runs.error("id = 1 ; drop table runs") == "filter: error at column 8: unexpected character ';'");
  CHECK(runs.error("trial like 3") == "filter: error at column 12: like needs a quoted pattern such as 'small%', got '3'");
  CHECK_THAT(runs.error("colour = 'red'"),
             Catch::StartsWith("filter: error at column 1: unknown field 'colour'; use metrics.KEY"));
  CHECK(runs.error("metrics.max(test.accuracy > 1") ==
        "filter: error at column 27: expected ')' after 'test.accuracy', got '>'");
  CHECK(runs.error("", "seed sideways") == "sort: error at column 6: expected ',', 'asc', 'desc' or the end, got 'sideways'");
}

TEST_CASE("values are bound, never spliced: quotes in a literal are data", "[storage][filter]") {
  Runs runs;
  CHECK(runs.ids("trial = 'x'' or ''1''=''1'").empty());
  CHECK(test::count_rows(runs.store, "runs") == 5);
}

TEST_CASE("completed_run finds a completed run of the same experiment, config hash and seed", "[storage][filter]") {
  Runs runs;
  const NewRun sample = test::sample_run("sweep", 1);
  CHECK(runs.store.completed_run("sweep", sample.config_hash, 1) == std::optional<std::int64_t>(1));
  CHECK_FALSE(runs.store.completed_run("sweep", sample.config_hash, 7));           // another seed
  CHECK_FALSE(runs.store.completed_run("other", "not the hash", 9));               // another config
  CHECK_FALSE(runs.store.completed_run("sweep", sample.config_hash, 3));           // failed
  CHECK_FALSE(runs.store.completed_run("sweep", sample.config_hash, 4));           // still running
}
