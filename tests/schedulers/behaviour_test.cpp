// What the PyTorch references cannot show: graft's choices where PyTorch has no answer (past
// one_cycle's total_steps, a base LR of 0), purity, and how epochs count under warmup.
#include <catch2/catch.hpp>

#include <cmath>

#include "builtin.hpp"
#include "graft/scheduler.hpp"
#include "engine/engine_schema.hpp"
#include "engine/lr_schedule.hpp"

using namespace graft;
using graft::testing::make_plugin;

namespace {

Progress progress_at(std::int64_t step, std::int64_t total_steps, double base_lr = 0.1) {
  Progress progress;
  progress.step = step;
  progress.total_steps = total_steps;
  progress.steps_per_epoch = total_steps;
  progress.base_lr = base_lr;
  return progress;
}

}  // namespace

TEST_CASE("constant keeps the factor at 1") {
  auto scheduler = make_plugin<Scheduler>("constant");
  CHECK(scheduler->factor(progress_at(0, 30)) == 1.0);
  CHECK(scheduler->factor(progress_at(29, 30)) == 1.0);
}

TEST_CASE("one_cycle holds its last LR past total_steps, where PyTorch raises") {
  auto scheduler = make_plugin<Scheduler>("one_cycle", {{"total_steps", std::int64_t{20}}});
  const double last = scheduler->factor(progress_at(19, 50));
  CHECK(last == Approx(1.0 / 25 / 1e4));
  CHECK(scheduler->factor(progress_at(20, 50)) == last);
  CHECK(scheduler->factor(progress_at(49, 50)) == last);
}

TEST_CASE("one_cycle whose rise lasts one step starts at max_lr instead of dividing by zero") {
  // pct_start x total_steps = 1: PyTorch's first phase has no length.
  auto scheduler = make_plugin<Scheduler>("one_cycle", {{"pct_start", 0.1}});
  CHECK(scheduler->factor(progress_at(0, 10)) == Approx(1.0));
  CHECK(std::isfinite(scheduler->factor(progress_at(1, 10))));
}

TEST_CASE("plateau is a pure function of the metric history") {
  auto scheduler = make_plugin<Scheduler>("plateau", {{"patience", std::int64_t{0}}, {"factor", 0.5}});
  Progress progress = progress_at(0, 10);
  CHECK(scheduler->factor(progress) == 1.0);  // no epoch ended yet
  progress.metric_history = {1.0, 1.0};       // no improvement in the second epoch
  CHECK(scheduler->factor(progress) == Approx(0.5));
  CHECK(scheduler->factor(progress) == Approx(0.5));  // asking again changes nothing
  progress.metric_history = {1.0, 1.0, 1.0};
  CHECK(scheduler->factor(progress) == Approx(0.25));
}

TEST_CASE("schedules with an absolute floor keep factor 1 when the base LR is 0") {
  for (const char* plugin : {"cosine", "plateau"}) {
    INFO(plugin);
    auto scheduler = make_plugin<Scheduler>(plugin);
    Progress progress = progress_at(5, 10, /*base_lr=*/0.0);
    progress.metric_history = {1.0, 2.0};
    CHECK(scheduler->factor(progress) == 1.0);
  }
}

TEST_CASE("interval = epoch counts the epochs of the whole run, warmup included") {
  auto per_epoch = make_plugin<Scheduler>(
      "step", {{"step_size", std::int64_t{1}}, {"gamma", 0.5}, {"interval", ParamValue{std::string("epoch")}}});
  Params extras = Params::defaults(engine::scheduler_extras_schema());
  extras.set("warmup_steps", std::int64_t{5});
  extras.set("warmup_start_factor", 1.0);
  const engine::LrSchedule schedule(*per_epoch, extras, 0.1, /*steps_per_epoch=*/10, /*epochs=*/3);
  CHECK(schedule.lr(9) == Approx(0.1));
  CHECK(schedule.lr(10) == Approx(0.05));  // epoch 1 of the run, though only 5 steps after warmup
  CHECK(schedule.lr(20) == Approx(0.025));
}
