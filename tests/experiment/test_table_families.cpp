// [tasks.NAME]: a family of plugin tables, any number of them, each checked like [dataset] plus
// the family's engine keys, reachable from --set and [sweep] as tasks.NAME.KEY.
#include <catch2/catch.hpp>

#include "fake_catalog.hpp"

using namespace graft;
using namespace graft::experiment;
using namespace graft::experiment::testing;

namespace {

const std::string kTwoTasks = std::string(kBase) + R"(
[tasks.coarse]
plugin = "idx"
path = "/data/coarse"
weight = 0.5

[tasks.extra]
plugin = "idx"
path = "/data/extra"
)";

}  // namespace

TEST_CASE("each [tasks.NAME] table is a plugin table of its own, with the family's keys", "[experiment][families]") {
  const auto experiment = resolve_text(kTwoTasks);
  REQUIRE(experiment.trials.size() == 1);
  const Trial& trial = experiment.trials.front();
  REQUIRE(trial.plugins.count("tasks.coarse") == 1);
  REQUIRE(trial.plugins.count("tasks.extra") == 1);
  CHECK(trial.plugins.at("tasks.coarse").plugin == "idx");
  CHECK(trial.plugins.at("tasks.coarse").params.get_string("path") == "/data/coarse");
  CHECK(trial.plugins.at("tasks.coarse").params.get_float("weight") == 0.5);
  CHECK(trial.plugins.at("tasks.extra").params.get_float("weight") == 1.0);  // the default
  CHECK_THAT(trial.config_toml, Catch::Contains("[tasks.coarse]\n"));
  const auto flat = std::find_if(trial.flat.begin(), trial.flat.end(),
                                 [](const auto& entry) { return entry.first == "tasks.coarse.weight"; });
  REQUIRE(flat != trial.flat.end());
  CHECK(flat->second == ParamValue{0.5});
}

TEST_CASE("a file without [tasks.*] tables has no task", "[experiment][families]") {
  const auto experiment = resolve_text(kBase);
  for (const auto& [table, choice] : experiment.trials.front().plugins) CHECK(table.rfind("tasks", 0) != 0);
}

TEST_CASE("overrides and sweep axes reach a task's keys as tasks.NAME.KEY", "[experiment][families]") {
  const auto overridden = resolve_text(kTwoTasks, {"tasks.coarse.weight=2", "tasks.extra.classes=[1,2]"});
  const Trial& trial = overridden.trials.front();
  CHECK(trial.plugins.at("tasks.coarse").params.get_float("weight") == 2.0);
  CHECK(trial.plugins.at("tasks.extra").params.get_int_list("classes") == std::vector<std::int64_t>{1, 2});

  const auto swept = resolve_text(kTwoTasks + "\n[sweep]\n\"tasks.coarse.weight\" = [0.0, 1.0]\n");
  REQUIRE(swept.trials.size() == 2);
  CHECK(swept.trials[0].plugins.at("tasks.coarse").params.get_float("weight") == 0.0);
  CHECK(swept.trials[1].plugins.at("tasks.coarse").params.get_float("weight") == 1.0);
  CHECK(swept.trials[0].name == "weight=0");
  CHECK(swept.swept_keys == std::vector<std::string>{"tasks.coarse.weight"});
}

TEST_CASE("mistakes in task tables are reported where they are", "[experiment][families]") {
  // A key of the family's table outside a member table.
  CHECK(error_of(std::string(kBase) + "\n[tasks]\nweight = 1.0\n") ==
        "exp.toml:13:1: error: key 'weight' belongs in a table of its own: [tasks.NAME] declares one, e.g. "
        "[tasks.coarse]");
  // A task without its plugin, and an unknown key with the plugin's keys listed.
  CHECK_THAT(error_of(std::string(kBase) + "\n[tasks.coarse]\npath = \"/d\"\n"),
             Catch::StartsWith("exp.toml:12:1: error: missing key 'plugin' in [tasks.coarse]"));
  CHECK_THAT(error_of(std::string(kBase) + "\n[tasks.coarse]\nplugin = \"idx\"\npath = \"/d\"\nweigth = 1\n"),
             Catch::StartsWith("exp.toml:15:1: error: unknown key 'weigth' in [tasks.coarse] (did you mean 'weight'?)"));
  CHECK_THAT(error_of(kTwoTasks, {"tasks.coarse.weight=-1"}), Catch::StartsWith("--set tasks.coarse.weight=-1: error:"));
  CHECK_THAT(error_of(kTwoTasks, {"tasks.coarse=1"}), Catch::Contains("must be TABLE.KEY"));
}
