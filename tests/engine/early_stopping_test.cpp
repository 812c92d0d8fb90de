// Early stopping: patience, min_delta and the direction of improvement, as Keras' callback.
#include <catch2/catch.hpp>

#include "engine/early_stopping.hpp"
#include "graft/errors.hpp"

using namespace graft;
using namespace graft::engine;

namespace {
EarlyStoppingOptions options(const std::string& monitor, std::int64_t patience, double min_delta, bool lower) {
  EarlyStoppingOptions out;
  out.monitor = monitor;
  out.patience = patience;
  out.min_delta = min_delta;
  out.lower_is_better = lower;
  return out;
}

// The epoch (0-based) after which `values` make it stop, or -1.
std::int64_t stop_epoch(EarlyStopping stopping, const std::string& key, const std::vector<double>& values) {
  for (std::size_t epoch = 0; epoch < values.size(); ++epoch) {
    if (stopping.update(static_cast<std::int64_t>(epoch), {{key, values[epoch]}})) return static_cast<std::int64_t>(epoch);
  }
  return -1;
}
}  // namespace

TEST_CASE("early stopping waits patience epochs without an improvement larger than min_delta") {
  const std::vector<double> accuracy{0.50, 0.60, 0.605, 0.61, 0.70, 0.69, 0.69};
  CHECK(stop_epoch(EarlyStopping(options("val.accuracy", 2, 0.0, false)), "val.accuracy", accuracy) == 6);
  // 0.605 and 0.61 do not beat 0.60 by more than 0.02: two epochs without improvement.
  CHECK(stop_epoch(EarlyStopping(options("val.accuracy", 2, 0.02, false)), "val.accuracy", accuracy) == 3);
  CHECK(stop_epoch(EarlyStopping(options("val.accuracy", 0, 0.0, false)), "val.accuracy", accuracy) == -1);  // off
}

TEST_CASE("early stopping on a loss counts a decrease as the improvement") {
  const std::vector<double> loss{1.0, 0.8, 0.9, 0.7, 0.75, 0.76};
  CHECK(stop_epoch(EarlyStopping(options("val.loss", 2, 0.0, true)), "val.loss", loss) == 5);
  CHECK(stop_epoch(EarlyStopping(options("val.loss", 1, 0.0, true)), "val.loss", loss) == 2);
}

TEST_CASE("early stopping says why it stopped, and refuses a metric that was not measured") {
  EarlyStopping stopping(options("val.accuracy", 1, 0.0, false));
  CHECK_FALSE(stopping.update(0, {{"val.accuracy", 0.9}}));
  const auto reason = stopping.update(1, {{"val.accuracy", 0.8}});
  REQUIRE(reason);
  CHECK(*reason ==
        "stopped early after epoch 2: val.accuracy has not improved by more than 0 for 1 epoch(s) (best 0.9 at epoch 1)");
  CHECK_THROWS_AS(stopping.update(2, {{"train.loss", 0.1}}), InputError);
}

TEST_CASE("early stopping options: mode auto follows the metric, and the monitor defaults to train.monitor") {
  Params train;
  train.set("monitor", std::string("val.accuracy"));
  train.set("early_stopping_monitor", std::string(""));
  train.set("early_stopping_patience", std::int64_t{3});
  train.set("early_stopping_min_delta", 0.01);
  train.set("early_stopping_mode", std::string("auto"));
  auto from = EarlyStoppingOptions::from(train);
  CHECK(from.monitor == "val.accuracy");
  CHECK_FALSE(from.lower_is_better);
  train.set("early_stopping_monitor", std::string("val.loss"));
  CHECK(EarlyStoppingOptions::from(train).lower_is_better);
  train.set("early_stopping_mode", std::string("max"));
  CHECK_FALSE(EarlyStoppingOptions::from(train).lower_is_better);
}
