#include <catch2/catch.hpp>

#include <cmath>

#include "builtin.hpp"
#include "graft/scheduler.hpp"

using namespace graft;
using graft::testing::make_plugin;

namespace {
Progress progress_at(std::int64_t step, std::int64_t steps_per_epoch, std::int64_t epochs, double base_lr = 0.1) {
  Progress progress;
  progress.step = step;
  progress.steps_per_epoch = steps_per_epoch;
  progress.total_epochs = epochs;
  progress.total_steps = steps_per_epoch * epochs;
  progress.epoch = step / steps_per_epoch;
  progress.base_lr = base_lr;
  return progress;
}
}  // namespace

TEST_CASE("constant keeps the factor at 1") {
  auto scheduler = make_plugin<Scheduler>("constant");
  CHECK(scheduler->factor(progress_at(0, 10, 3)) == 1.0);
  CHECK(scheduler->factor(progress_at(29, 10, 3)) == 1.0);
}

TEST_CASE("step multiplies by gamma every step_size epochs, as StepLR") {
  auto scheduler = make_plugin<Scheduler>("step", {{"step_size", std::int64_t{2}}, {"gamma", 0.5}});
  CHECK(scheduler->factor(progress_at(0, 10, 6)) == Approx(1.0));
  CHECK(scheduler->factor(progress_at(19, 10, 6)) == Approx(1.0));
  CHECK(scheduler->factor(progress_at(20, 10, 6)) == Approx(0.5));
  CHECK(scheduler->factor(progress_at(45, 10, 6)) == Approx(0.25));
  auto per_step = make_plugin<Scheduler>("step", {{"step_size", std::int64_t{3}}, {"interval", ParamValue{std::string("step")}}});
  CHECK(per_step->factor(progress_at(3, 10, 1)) == Approx(0.1));
}

TEST_CASE("cosine anneals from the base LR to eta_min over t_max") {
  auto scheduler = make_plugin<Scheduler>("cosine", {{"eta_min", 0.01}});
  CHECK(scheduler->factor(progress_at(0, 10, 10)) == Approx(1.0));
  CHECK(scheduler->factor(progress_at(50, 10, 10)) * 0.1 == Approx(0.01 + (0.1 - 0.01) / 2));
  CHECK(scheduler->factor(progress_at(100, 10, 10)) * 0.1 == Approx(0.01));
  auto per_epoch = make_plugin<Scheduler>("cosine", {{"t_max", std::int64_t{4}}, {"interval", ParamValue{std::string("epoch")}}});
  // PyTorch's CosineAnnealingLR(T_max=4) stepped per epoch: epoch 1 -> (1 + cos(pi/4)) / 2.
  CHECK(per_epoch->factor(progress_at(15, 10, 4)) == Approx((1 + std::cos(M_PI / 4)) / 2));
}
