#include <torch/torch.h>

#include "strategy_fixture.hpp"

#include <catch2/catch.hpp>

using namespace graft;
using namespace graft::testing;

namespace {

// What the schema says about `value` for `key` of a strategy: empty when accepted. This is the
// check graft runs on experiment files and --set before anything is created.
std::string schema_check(const std::string& strategy, const std::string& key, const ParamValue& value) {
  const auto* spec = find_spec(builtin_registry().get(PluginKind::Strategy, strategy).schema, key);
  REQUIRE(spec);
  return spec->check(value);
}

}  // namespace

TEST_CASE("the strategies' schemas refuse values out of range") {
  CHECK(schema_check("discriminative_lr", "decay", 1.5) != "");
  CHECK(schema_check("discriminative_lr", "decay", -0.1) != "");
  CHECK(schema_check("discriminative_lr", "head_lr_scale", -1.0) != "");
  CHECK(schema_check("gradual_unfreeze", "lr_decay", 1.01) != "");
  CHECK(schema_check("gradual_unfreeze", "every_epochs", std::int64_t{0}) != "");
  CHECK(schema_check("gradual_unfreeze", "start_with", std::int64_t{0}) != "");
  // and accept the edges that make sense
  CHECK(schema_check("discriminative_lr", "decay", 1.0) == "");
  CHECK(schema_check("gradual_unfreeze", "every_epochs", std::int64_t{1}) == "");
}

TEST_CASE("a decay or scale of 0 is refused by the schema's exclusive bound, naming the key") {
  CHECK(schema_check("discriminative_lr", "decay", 0.0) == "'decay' must be > 0, got 0");
  CHECK(schema_check("gradual_unfreeze", "lr_decay", 0.0) == "'lr_decay' must be > 0, got 0");
  CHECK(schema_check("multitask", "decay", 0.0) == "'decay' must be > 0, got 0");
  CHECK(schema_check("discriminative_lr", "head_lr_scale", 0.0) == "'head_lr_scale' must be > 0, got 0");
  CHECK(schema_check("multitask", "main_weight", 0.0) == "'main_weight' must be > 0, got 0");
  CHECK(schema_check("multitask", "decay", 1e-9) == "");
}
