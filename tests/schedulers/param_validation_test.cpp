// What the scheduler plugins refuse, and what they say: schema ranges (checked when an experiment
// is validated) and the checks their constructors make (reported before a run starts).
#include <catch2/catch.hpp>

#include <string>

#include "builtin.hpp"
#include "graft/scheduler.hpp"

using namespace graft;
using Catch::Matchers::Contains;
using graft::testing::make_plugin;

namespace {

// What the schema of `plugin` says about `value` for `key` (empty: accepted).
std::string schema_check(const std::string& plugin, const std::string& key, const ParamValue& value) {
  const auto& schema = testing::builtin_registry().get(PluginKind::Scheduler, plugin).schema;
  const ParamSpec* spec = find_spec(schema, key);
  REQUIRE(spec != nullptr);
  return spec->check(value);
}

ParamValue text(const char* value) { return std::string(value); }

}  // namespace

TEST_CASE("every scheduler with a length takes interval = step or epoch, step by default") {
  for (const char* plugin : {"step", "multistep", "exponential", "cosine", "cosine_restarts", "polynomial"}) {
    INFO(plugin);
    const auto& schema = testing::builtin_registry().get(PluginKind::Scheduler, plugin).schema;
    const ParamSpec* interval = find_spec(schema, "interval");
    REQUIRE(interval != nullptr);
    CHECK(std::get<std::string>(*interval->default_value) == "step");
    CHECK(schema_check(plugin, "interval", text("epoch")).empty());
    CHECK_THAT(schema_check(plugin, "interval", text("batch")), Contains("step") && Contains("epoch"));
  }
}

TEST_CASE("lengths and counts out of range are refused by the schema") {
  CHECK_FALSE(schema_check("step", "step_size", std::int64_t{0}).empty());
  CHECK_FALSE(schema_check("cosine_restarts", "t_0", std::int64_t{0}).empty());
  CHECK_FALSE(schema_check("cosine_restarts", "t_mult", std::int64_t{0}).empty());
  CHECK_FALSE(schema_check("cosine", "t_max", std::int64_t{-1}).empty());
  CHECK_FALSE(schema_check("polynomial", "total_iters", std::int64_t{-1}).empty());
  CHECK_FALSE(schema_check("multistep", "milestones", std::vector<std::int64_t>{-1, 4}).empty());
  CHECK_FALSE(schema_check("exponential", "gamma", 1.5).empty());
  CHECK_FALSE(schema_check("one_cycle", "pct_start", 1.5).empty());
  CHECK_FALSE(schema_check("one_cycle", "anneal_strategy", text("cosine")).empty());
  CHECK_FALSE(schema_check("plateau", "mode", text("maximum")).empty());
  CHECK_FALSE(schema_check("plateau", "threshold_mode", text("relative")).empty());
  CHECK_FALSE(schema_check("plateau", "patience", std::int64_t{-1}).empty());
}

TEST_CASE("the params PyTorch requires have no default") {
  const auto required = [](const std::string& plugin, const std::string& key) {
    const auto& schema = testing::builtin_registry().get(PluginKind::Scheduler, plugin).schema;
    const ParamSpec* spec = find_spec(schema, key);
    return spec != nullptr && spec->required();
  };
  CHECK(required("step", "step_size"));
  CHECK(required("multistep", "milestones"));
  CHECK(required("exponential", "gamma"));
  CHECK(required("cosine_restarts", "t_0"));
}

TEST_CASE("multistep refuses milestones out of order, repeated or missing") {
  const auto with = [](std::vector<std::int64_t> milestones) {
    return make_plugin<Scheduler>("multistep", {{"milestones", std::move(milestones)}});
  };
  CHECK_THROWS_WITH(with({30, 10}), Contains("milestones must be strictly increasing, got [30, 10]"));
  CHECK_THROWS_WITH(with({10, 10}), Contains("strictly increasing"));
  CHECK_THROWS_WITH(with({}), Contains("milestones is empty") && Contains("constant scheduler"));
  CHECK_NOTHROW(with({10, 30}));
}

TEST_CASE("one_cycle refuses a zero div_factor or final_div_factor") {
  CHECK(schema_check("one_cycle", "div_factor", 0.0) == "'div_factor' must be > 0, got 0");
  CHECK(schema_check("one_cycle", "final_div_factor", 0.0) == "'final_div_factor' must be > 0, got 0");
  CHECK(schema_check("one_cycle", "final_div_factor", 1e-3).empty());
}

TEST_CASE("plateau refuses a factor of 1, which would never reduce the LR") {
  CHECK(schema_check("plateau", "factor", 1.0) == "'factor' must be < 1, got 1");
  CHECK_NOTHROW(make_plugin<Scheduler>("plateau", {{"factor", 0.5}}));
}
