// Each scheduler plugin, composed with the engine's warmup as a trial uses it (LrSchedule), gives
// PyTorch's LR at every optimizer step of every reference case, within 1e-9.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "builtin.hpp"
#include "graft/scheduler.hpp"
#include "engine/engine_schema.hpp"
#include "engine/lr_schedule.hpp"
#include "reference_cases.hpp"

using namespace graft;
using graft::testing::ReferenceCase;
using graft::testing::reference_cases;

namespace {

constexpr double kTolerance = 1e-9;  // absolute, on the LR

Params schedule_keys(const ReferenceCase& reference) {
  Params extras = Params::defaults(engine::scheduler_extras_schema());
  for (const auto& [key, value] : reference.schedule) extras.set(key, value);
  return extras;
}

// The step where graft's LR is furthest from PyTorch's (a NaN counts as furthest).
struct WorstStep {
  std::int64_t step = -1;
  double error = 0;
  double graft = 0;
  double pytorch = 0;
};

WorstStep worst_step(const ReferenceCase& reference) {
  const auto scheduler = testing::make_plugin<Scheduler>(reference.plugin, reference.params);
  const engine::LrSchedule schedule(*scheduler, schedule_keys(reference), reference.base_lr, reference.steps_per_epoch,
                                    reference.epochs);
  WorstStep worst;
  for (std::size_t step = 0; step < reference.lr.size(); ++step) {
    const auto at = static_cast<std::int64_t>(step);
    const double lr = schedule.lr(at, reference.history_before(at));
    const double error = std::abs(lr - reference.lr[step]);
    if (worst.step < 0 || !(error <= worst.error)) worst = {at, error, lr, reference.lr[step]};
  }
  return worst;
}

void check_against_pytorch(const std::string& plugin) {
  int cases = 0;
  for (const auto& reference : reference_cases()) {
    if (reference.plugin != plugin) continue;
    ++cases;
    DYNAMIC_SECTION(reference.name) {
      INFO("PyTorch: " << reference.pytorch);
      REQUIRE(static_cast<std::int64_t>(reference.lr.size()) == reference.steps_per_epoch * reference.epochs);
      const WorstStep worst = worst_step(reference);
      INFO("worst at step " << worst.step << ": graft " << worst.graft << ", PyTorch " << worst.pytorch);
      CHECK(worst.error <= kTolerance);
    }
  }
  CHECK(cases >= 2);
}

}  // namespace

TEST_CASE("every scheduler but constant has PyTorch references") {
  std::map<std::string, int> cases;
  for (const auto& reference : reference_cases()) ++cases[reference.plugin];
  for (const auto& name : testing::builtin_registry().names(PluginKind::Scheduler)) {
    if (name == "constant") continue;  // PyTorch has no plain constant schedule to compare with
    INFO(name);
    CHECK(cases[name] >= 2);
  }
}

TEST_CASE("step equals StepLR") { check_against_pytorch("step"); }
TEST_CASE("multistep equals MultiStepLR") { check_against_pytorch("multistep"); }
TEST_CASE("exponential equals ExponentialLR") { check_against_pytorch("exponential"); }
TEST_CASE("cosine equals CosineAnnealingLR") { check_against_pytorch("cosine"); }
TEST_CASE("cosine_restarts equals CosineAnnealingWarmRestarts") { check_against_pytorch("cosine_restarts"); }
TEST_CASE("one_cycle equals OneCycleLR") { check_against_pytorch("one_cycle"); }
TEST_CASE("linear equals Hugging Face's linear schedule with warmup") { check_against_pytorch("linear"); }
TEST_CASE("polynomial equals PolynomialLR") { check_against_pytorch("polynomial"); }
TEST_CASE("plateau equals ReduceLROnPlateau") { check_against_pytorch("plateau"); }
