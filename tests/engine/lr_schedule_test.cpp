#include <catch2/catch.hpp>

#include "engine/engine_schema.hpp"
#include "engine/lr_schedule.hpp"

using namespace graft;

namespace {

// Factor = 1 - step/total: makes the hand-off between warmup and schedule visible.
class LinearDown : public Scheduler {
 public:
  double factor(const Progress& progress) const override {
    return 1.0 - static_cast<double>(progress.step) / static_cast<double>(progress.total_steps);
  }
};

Params warmup(std::int64_t steps, double start) {
  Params params = Params::defaults(engine::scheduler_extras_schema());
  params.set("warmup_steps", steps);
  params.set("warmup_start_factor", start);
  return params;
}

}  // namespace

TEST_CASE("without warmup the scheduler sees every step of the run") {
  LinearDown scheduler;
  engine::LrSchedule schedule(scheduler, warmup(0, 0.0), /*base_lr=*/0.1, /*steps_per_epoch=*/10, /*epochs=*/2);
  CHECK(schedule.total_steps() == 20);
  CHECK(schedule.lr(0) == Approx(0.1));
  CHECK(schedule.lr(10) == Approx(0.05));
}

TEST_CASE("warmup ramps linearly to where the schedule starts, which then runs over the rest") {
  LinearDown scheduler;
  engine::LrSchedule schedule(scheduler, warmup(4, 0.0), 0.1, 10, 2);
  CHECK(schedule.lr(0) == Approx(0.0));
  CHECK(schedule.lr(2) == Approx(0.05));
  CHECK(schedule.lr(4) == Approx(0.1));              // step 0 of the schedule
  CHECK(schedule.lr(12) == Approx(0.1 * (1 - 8.0 / 16.0)));
}

TEST_CASE("warmup_start_factor sets the first LR") {
  LinearDown scheduler;
  engine::LrSchedule schedule(scheduler, warmup(10, 0.5), 1.0, 10, 1);
  // Warmup covers the whole run: the ramp goes from 0.5 toward the schedule's value at step 10.
  CHECK(schedule.lr(0) == Approx(0.5));
}
