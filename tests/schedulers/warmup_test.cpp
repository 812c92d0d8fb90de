// The engine's warmup keys in [scheduler]: warmup_ratio as Hugging Face rounds it, and the
// refusal of warmup_steps and warmup_ratio together.
#include <catch2/catch.hpp>

#include "builtin.hpp"
#include "graft/scheduler.hpp"
#include "engine/engine_schema.hpp"
#include "engine/lr_schedule.hpp"

using namespace graft;
using Catch::Matchers::Contains;

namespace {

Params warmup_keys(std::vector<std::pair<std::string, ParamValue>> keys) {
  Params extras = Params::defaults(engine::scheduler_extras_schema());
  for (auto& [key, value] : keys) extras.set(key, std::move(value));
  return extras;
}

std::int64_t warmup_steps_for(double ratio, std::int64_t steps_per_epoch, std::int64_t epochs) {
  const auto constant = testing::make_plugin<Scheduler>("constant");
  const engine::LrSchedule schedule(*constant, warmup_keys({{"warmup_ratio", ratio}}), 0.1, steps_per_epoch, epochs);
  return schedule.warmup_steps();
}

}  // namespace

TEST_CASE("warmup_ratio warms up for ceil(ratio x the run's steps), as Hugging Face") {
  CHECK(warmup_steps_for(0.0, 10, 5) == 0);
  CHECK(warmup_steps_for(0.25, 10, 4) == 10);
  CHECK(warmup_steps_for(0.001, 10, 5) == 1);  // rounded up
  // 0.07 x 100 is 7.000000000000001 in floating point; Python's math.ceil makes it 8.
  CHECK(warmup_steps_for(0.07, 20, 5) == 8);
  CHECK(warmup_steps_for(1.0, 10, 3) == 30);  // the whole run
}

TEST_CASE("warmup_ratio ramps like warmup_steps of the same length") {
  const auto constant = testing::make_plugin<Scheduler>("constant");
  const engine::LrSchedule by_ratio(*constant, warmup_keys({{"warmup_ratio", 0.2}, {"warmup_start_factor", 0.5}}),
                                    0.1, 10, 5);
  const engine::LrSchedule by_steps(*constant,
                                    warmup_keys({{"warmup_steps", std::int64_t{10}}, {"warmup_start_factor", 0.5}}),
                                    0.1, 10, 5);
  for (std::int64_t step = 0; step < 50; ++step) CHECK(by_ratio.lr(step) == by_steps.lr(step));
  CHECK(by_ratio.lr(0) == Approx(0.05));
  CHECK(by_ratio.lr(10) == Approx(0.1));
}

TEST_CASE("warmup_steps and warmup_ratio together are refused, saying to pick one") {
  const auto both = warmup_keys({{"warmup_steps", std::int64_t{100}}, {"warmup_ratio", 0.1}});
  const auto constant = testing::make_plugin<Scheduler>("constant");
  CHECK_THROWS_AS(engine::LrSchedule(*constant, both, 0.1, 10, 5), InputError);
  CHECK_THROWS_WITH(engine::check_warmup_keys(both),
                    Contains("warmup_steps = 100") && Contains("warmup_ratio = 0.1") && Contains("pick one"));
  CHECK_NOTHROW(engine::check_warmup_keys(warmup_keys({{"warmup_ratio", 0.1}})));
  CHECK_NOTHROW(engine::check_warmup_keys(warmup_keys({{"warmup_steps", std::int64_t{100}}})));
}

TEST_CASE("warmup_ratio is a share: the schema refuses more than 1") {
  const auto schema = engine::scheduler_extras_schema();
  const ParamSpec* ratio = find_spec(schema, "warmup_ratio");
  REQUIRE(ratio != nullptr);
  CHECK(ratio->check(0.5).empty());
  CHECK_FALSE(ratio->check(1.5).empty());
}
