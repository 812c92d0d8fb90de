// Reads: the final_metrics and run_overview views, get_run's epoch table, list_runs filters.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace graft::storage;
using graft::storage::test::TempDir;

namespace {

// Two epochs of 10 steps: train.loss every 5 steps, validation at the end of each epoch, test
// once at the end. Returns the run id.
std::int64_t record_training(Store& store, const NewRun& run, double final_accuracy) {
  const auto run_id = store.begin_run(run);
  for (std::int64_t epoch = 1; epoch <= 2; ++epoch) {
    const std::int64_t first_step = (epoch - 1) * 10;
    store.log_metrics(run_id, {{"train.loss", first_step + 5, epoch, 2.0 / epoch, 0},
                               {"train.loss", first_step + 10, epoch, 1.5 / epoch, 0}});
    const double accuracy = final_accuracy - (2 - epoch) * 0.1;
    store.log_metrics(run_id, {{"val.accuracy", first_step + 10, epoch, accuracy, 0},
                               {"val.loss", first_step + 10, epoch, 1 - accuracy, 0}});
  }
  store.log_metrics(run_id, {{"test.accuracy", 20, std::nullopt, final_accuracy - 0.01, 0},
                             {"test.macro_f1", 20, std::nullopt, final_accuracy - 0.02, 0},
                             {"best.test.accuracy", 20, std::nullopt, final_accuracy, 0},
                             {"best.epoch", 20, std::nullopt, 1, 0}});
  return run_id;
}

}  // namespace

TEST_CASE("final_metrics holds the last value of each metric", "[storage][views]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = record_training(store, test::sample_run(), 0.9);
  const std::string where = " FROM final_metrics WHERE run_id = " + std::to_string(run_id);

  CHECK(test::scalar(store, "SELECT count(*)" + where) == "7");
  CHECK(test::scalar(store, "SELECT value" + where + " AND key = 'train.loss'") == "0.75");
  CHECK(test::scalar(store, "SELECT step" + where + " AND key = 'train.loss'") == "20");
  CHECK(test::scalar(store, "SELECT epoch" + where + " AND key = 'val.accuracy'") == "2");
  CHECK(test::scalar(store, "SELECT epoch" + where + " AND key = 'test.accuracy'") == "");

  SECTION("a later row of the same step wins") {
    store.log_metrics(run_id, {{"val.accuracy", 20, 2, 0.95, 0}});
    CHECK(test::scalar(store, "SELECT value" + where + " AND key = 'val.accuracy'") == "0.95");
  }
  SECTION("a later row of an earlier step does not") {
    store.log_metrics(run_id, {{"val.accuracy", 15, 2, 0.1, 0}});
    CHECK(test::scalar(store, "SELECT value" + where + " AND key = 'val.accuracy'") == "0.9");
  }

  const auto final_metrics = store.get_run(run_id)->final_metrics;
  REQUIRE(final_metrics.size() == 7);
  CHECK(final_metrics[0].key == "best.epoch");
  CHECK(final_metrics[2].key == "test.accuracy");
  CHECK(final_metrics[2].value == Approx(0.89));
  CHECK_FALSE(final_metrics[2].epoch);
  CHECK(final_metrics[6].key == "val.loss");
  CHECK(final_metrics[6].epoch == 2);
}

TEST_CASE("run_overview has one row per run with its final metrics", "[storage][views]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto trained = record_training(store, test::sample_run("demo", 1, 1e-3), 0.9);
  const auto fresh = store.begin_run(test::sample_run("other", 2));
  store.finish_run(trained, RunStatus::Completed);

  const QueryResult result = store.query("SELECT * FROM run_overview ORDER BY run_id");
  CHECK(result.columns == std::vector<std::string>{"run_id", "experiment", "trial", "status", "seed", "started_at",
                                                   "ended_at", "duration_s", "model", "dataset", "strategy", "lr",
                                                   "test_accuracy", "val_accuracy", "test_macro_f1", "val_loss",
                                                   "train_loss", "best_test_accuracy", "best_epoch"});
  REQUIRE(result.rows.size() == 2);

  const auto column = [&](const std::vector<Value>& row, const std::string& name) {
    const auto at = std::find(result.columns.begin(), result.columns.end(), name) - result.columns.begin();
    return row.at(static_cast<std::size_t>(at));
  };
  const auto& first = result.rows[0];
  CHECK(column(first, "run_id") == Value(trained));
  CHECK(column(first, "experiment") == Value(std::string("demo")));
  CHECK(column(first, "status") == Value(std::string("completed")));
  CHECK(std::get<double>(column(first, "duration_s")) >= 0);
  CHECK(column(first, "model") == Value(std::string("small_cnn")));
  CHECK(column(first, "lr") == Value(1e-3));
  CHECK(std::get<double>(column(first, "test_accuracy")) == Approx(0.89));
  CHECK(std::get<double>(column(first, "val_accuracy")) == Approx(0.9));
  CHECK(std::get<double>(column(first, "test_macro_f1")) == Approx(0.88));
  CHECK(std::get<double>(column(first, "val_loss")) == Approx(0.1));
  CHECK(std::get<double>(column(first, "train_loss")) == Approx(0.75));
  CHECK(std::get<double>(column(first, "best_test_accuracy")) == Approx(0.9));
  CHECK(std::get<double>(column(first, "best_epoch")) == 1);
  CHECK(column(first, "strategy") == Value());  // not among the params

  const auto& second = result.rows[1];
  CHECK(column(second, "run_id") == Value(fresh));
  CHECK(column(second, "status") == Value(std::string("running")));
  CHECK(column(second, "duration_s") == Value());
  CHECK(column(second, "test_accuracy") == Value());
}

TEST_CASE("get_run pivots metrics into one row per epoch", "[storage][views]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto run_id = record_training(store, test::sample_run(), 0.9);
  const auto epochs = store.get_run(run_id)->epochs;
  REQUIRE(epochs.size() == 2);
  CHECK(epochs[0].epoch == 1);
  using Metrics = std::vector<std::pair<std::string, double>>;
  CHECK(epochs[0].metrics == Metrics{{"train.loss", 1.5}, {"val.accuracy", 0.8}, {"val.loss", 1 - 0.8}});
  CHECK(epochs[1].metrics == Metrics{{"train.loss", 0.75}, {"val.accuracy", 0.9}, {"val.loss", 1 - 0.9}});
  CHECK_FALSE(store.get_run(run_id + 1));
}

TEST_CASE("list_runs filters by experiment and status", "[storage][views]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto a1 = store.begin_run(test::sample_run("a", 1));
  const auto b1 = store.begin_run(test::sample_run("b", 1));
  const auto a2 = store.begin_run(test::sample_run("a", 2));
  store.finish_run(a1, RunStatus::Completed);
  store.finish_run(b1, RunStatus::Failed, "boom");

  const auto ids = [](const std::vector<RunSummary>& runs) {
    std::vector<std::int64_t> out;
    for (const auto& run : runs) out.push_back(run.id);
    return out;
  };
  using Ids = std::vector<std::int64_t>;
  CHECK(ids(store.list_runs()) == Ids{a1, b1, a2});
  CHECK(ids(store.list_runs({std::string("a"), std::nullopt})) == Ids{a1, a2});
  CHECK(ids(store.list_runs({std::nullopt, RunStatus::Failed})) == Ids{b1});
  CHECK(ids(store.list_runs({std::string("a"), RunStatus::Running})) == Ids{a2});
  CHECK(ids(store.list_runs({std::string("nope"), std::nullopt})).empty());
  CHECK(store.list_runs({std::nullopt, RunStatus::Failed}).at(0).error == "boom");
}

TEST_CASE("final_values gives chosen final metrics of the filtered runs", "[storage][views]") {
  TempDir dir;
  Store store = Store::open(dir.file("graft.db"));
  const auto trained = record_training(store, test::sample_run("a"), 0.9);
  const auto other = record_training(store, test::sample_run("b"), 0.7);
  store.begin_run(test::sample_run("a", 3));  // no metrics: no entry

  const auto values = store.final_values({"test.accuracy", "val.accuracy", "no.such"});
  REQUIRE(values.size() == 2);
  CHECK(values.at(trained).at("val.accuracy") == Approx(0.9));
  CHECK(values.at(other).at("test.accuracy") == Approx(0.69));
  CHECK(values.at(trained).count("no.such") == 0);
  CHECK(store.final_values({"val.accuracy"}, {std::string("b"), std::nullopt}).count(trained) == 0);
}

TEST_CASE("status names round-trip", "[storage][views]") {
  for (RunStatus status : all_statuses()) CHECK(parse_status(status_name(status)) == status);
  CHECK(all_statuses().size() == 4);
  CHECK_FALSE(parse_status("done"));
  CHECK(to_text(Value(3e-4)) == "0.0003");
  CHECK(to_text(Value(std::int64_t{42})) == "42");
  CHECK(to_text(Value()) == "");
}
