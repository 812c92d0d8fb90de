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

TEST_CASE("a decay of 0, which the schema's inclusive range lets through, is refused with what to do") {
  CHECK_THROWS_WITH(make_plugin<Strategy>("discriminative_lr", {{"decay", 0.0}}),
                    Catch::Contains("decay must be in (0, 1], got 0") && Catch::Contains("freeze_backbone"));
  CHECK_THROWS_WITH(make_plugin<Strategy>("gradual_unfreeze", {{"lr_decay", 0.0}}),
                    Catch::Contains("lr_decay must be in (0, 1], got 0"));
  CHECK_THROWS_WITH(make_plugin<Strategy>("discriminative_lr", {{"head_lr_scale", 0.0}}),
                    Catch::Contains("head_lr_scale must be greater than 0"));
}
