// Which per-epoch metrics the report charts, in what order, and which it tabulates.
#include <catch2/catch.hpp>

#include "cli/report/metric_order.hpp"

using graft::cli::report::curve_order;
using graft::cli::report::reported_metrics;
using graft::storage::RunDetails;

namespace {

// A run whose epoch e recorded `every_epoch` and, at `once_at` only, `once`.
RunDetails run_with(int epochs, const std::vector<std::string>& every_epoch, const std::vector<std::string>& once,
                    int once_at) {
  RunDetails run;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    auto& row = run.epochs.emplace_back();
    row.epoch = epoch;
    for (const auto& key : every_epoch) row.metrics.emplace_back(key, 0.5);
    if (epoch == once_at)
      for (const auto& key : once) row.metrics.emplace_back(key, 0.25);
  }
  return run;
}

}  // namespace

TEST_CASE("train and val curves come before the rest and losses first within each", "[cli][report]") {
  const std::vector<std::string> ordered =
      curve_order({"early_stopping.epoch", "test.accuracy", "test.loss", "train.accuracy", "train.loss",
                   "val.accuracy", "val.loss", "val.macro_f1"});
  CHECK(ordered == std::vector<std::string>{"train.loss", "val.loss", "train.accuracy", "val.accuracy",
                                            "val.macro_f1", "test.loss", "early_stopping.epoch", "test.accuracy"});
}

TEST_CASE("a task's train and val curves count as such and follow the main task's", "[cli][report]") {
  const std::vector<std::string> ordered =
      curve_order({"task/coarse/val.accuracy", "task/coarse/train.loss", "train.loss", "val.accuracy", "test.accuracy"});
  CHECK(ordered == std::vector<std::string>{"train.loss", "task/coarse/train.loss", "val.accuracy",
                                            "task/coarse/val.accuracy", "test.accuracy"});
}

TEST_CASE("metrics recorded at one epoch per run are tabulated and lr is not charted per epoch", "[cli][report]") {
  // The test split measured once with the best checkpoint, at different epochs in different runs.
  const std::vector<RunDetails> runs = {run_with(3, {"val.accuracy", "train.loss", "lr"}, {"test.loss", "test.accuracy"}, 1),
                                        run_with(3, {"val.accuracy", "train.loss", "lr"}, {"test.loss", "test.accuracy"}, 2)};
  const auto reported = reported_metrics(runs);
  CHECK(reported.curves == std::vector<std::string>{"train.loss", "val.accuracy"});
  CHECK(reported.once == std::vector<std::string>{"test.loss", "test.accuracy"});
}

TEST_CASE("a metric some run recorded at several epochs is a curve", "[cli][report]") {
  // test_every_epoch in one run, the default in the other.
  const std::vector<RunDetails> runs = {run_with(3, {"train.loss", "test.accuracy"}, {}, 0),
                                        run_with(3, {"train.loss"}, {"test.accuracy"}, 2)};
  const auto reported = reported_metrics(runs);
  CHECK(reported.curves == std::vector<std::string>{"train.loss", "test.accuracy"});
  CHECK(reported.once.empty());
}
