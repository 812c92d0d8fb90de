// `graft plugins list` and `graft plugins describe`, run through CLI11 as main() would run them.
#include <algorithm>
#include <iostream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "graft/errors.hpp"
#include "graft/hash.hpp"
#include "support/run_cli.hpp"
#include "test_support.hpp"

using graft::InputError;
using graft_test::kDuplicateDir;
using graft_test::kPluginDir;
using graft_test::library;
using nlohmann::json;

namespace {


// Runs `graft plugins ARGS...` on the test folder only (no GRAFT_PLUGIN_PATH) and returns stdout.
std::string run(std::vector<std::string> args) {
  const graft_test::ScopedEnv no_user_path("GRAFT_PLUGIN_PATH", std::nullopt);
  CLI::App app{"graft"};
  graft::cli::Context context;
  context.exit_status = -1;
  graft::cli::add_plugins_command(app, context);

  args.insert(args.begin(), {"graft", "plugins", "--plugin-path", kPluginDir.string()});
  const std::string printed = graft::testing::parse_and_capture(app, args);
  REQUIRE(context.exit_status == 0);
  return printed;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("plugins list prints one row per plugin, sorted by kind then name") {
  const std::string good = library("good").string();
  const std::string other_kind = library("other_kind").string();
  const std::string throwing = library("throwing").string();
  // The built-in folder may add rows in a full build: compare the test plugins' rows only.
  std::vector<std::string> rows;
  for (const auto& line : lines_of(run({"list"})))
    if (line.find(kPluginDir.string()) != std::string::npos || line.rfind("kind", 0) == 0) rows.push_back(line);
  CHECK(rows == std::vector<std::string>{
                    "kind       name           version  summary                          file",
                    "strategy   test_const     0.3.0    Strategy named like a scheduler  " + other_kind,
                    "scheduler  test_const     1.0.0    Constant LR factor               " + good,
                    "scheduler  test_linear    2.1.0    Linear decay to final_factor     " + good,
                    "scheduler  test_throwing  1.0.0    Factory always throws            " + throwing,
                });
}

TEST_CASE("plugins list --kind keeps one kind, and an unknown kind is an input error") {
  const auto lines = lines_of(run({"list", "--kind", "strategy"}));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1].rfind("strategy  test_const  0.3.0", 0) == 0);
  CHECK(lines_of(run({"list", "--kind", "model"})).at(0).rfind("no model plugins found; searched: ", 0) == 0);
  CHECK_THROWS_AS(run({"list", "--kind", "schedular"}), InputError);
  CHECK_THROWS_WITH(run({"list", "--kind", "schedular"}),
                    "unknown plugin kind 'schedular' (did you mean 'scheduler'?); kinds: model, dataset, strategy, scheduler");
}

TEST_CASE("plugins list --json gives plugins and load problems") {
  const json out = json::parse(run({"list", "--json"}));
  json linear;
  for (const auto& plugin : out.at("plugins"))
    if (plugin.at("name") == "test_linear") linear = plugin;
  CHECK(linear == json{{"kind", "scheduler"}, {"name", "test_linear"}, {"version", "2.1.0"},
                       {"summary", "Linear decay to final_factor"}, {"file", library("good").string()},
                       {"sha256", graft::sha256_file(library("good"))}});
  std::vector<std::string> problem_files;
  for (const auto& problem : out.at("problems")) problem_files.push_back(problem.at("file"));
  CHECK(std::count(problem_files.begin(), problem_files.end(), library("other_abi").string()) == 1);
  CHECK(out.at("problems").size() >= 6);
}

TEST_CASE("plugins describe prints the plugin and every parameter") {
  const std::string file = library("good").string();
  const auto lines = lines_of(run({"describe", "test_linear"}));
  REQUIRE(lines.size() == 14);
  CHECK(lines[0] == "kind     scheduler");
  CHECK(lines[1] == "name     test_linear");
  CHECK(lines[2] == "version  2.1.0");
  CHECK(lines[3] == "file     " + file);
  CHECK(lines[4] == "sha256   " + graft::sha256_file(file));
  CHECK(lines[5] == "summary  Linear decay to final_factor");
  CHECK(lines[6].empty());
  CHECK(std::vector<std::string>(lines.begin() + 7, lines.end()) == std::vector<std::string>{
      "key           type      default   range/choices              doc",
      "final_factor  float     0         [0, 1]                     factor reached at the last step",
      "shape         string    linear    one of: linear, quadratic  how the factor falls",
      "milestones    int list  [10, 20]  >= 0                       steps at which to log the factor",
      "per_epoch     bool      false                                step once per epoch instead of per batch",
      "note          string    \"\"                                   free text kept with the run",
      "start_factor  float     required                             factor at step 0",
  });
}

TEST_CASE("plugins describe --json gives every parameter's spec") {
  const json out = json::parse(run({"describe", "test_linear", "--json"}));
  CHECK(out.at("kind") == "scheduler");
  CHECK(out.at("version") == "2.1.0");
  CHECK(out.at("file") == library("good").string());
  const json& params = out.at("params");
  REQUIRE(params.size() == 6);
  CHECK(params[0] == json{{"key", "final_factor"}, {"type", "float"}, {"required", false}, {"default", 0.0},
                          {"min", 0.0}, {"max", 1.0}, {"choices", json::array()}, {"doc", "factor reached at the last step"}});
  CHECK(params[1].at("choices") == json{"linear", "quadratic"});
  CHECK(params[2].at("default") == json{10, 20});
  CHECK(params[3].at("default") == false);
  CHECK(params[5].at("required") == true);
  CHECK(params[5].at("default").is_null());
}

TEST_CASE("plugins describe asks for --kind when kinds share a name") {
  CHECK_THROWS_AS(run({"describe", "test_const"}), InputError);
  CHECK_THROWS_WITH(run({"describe", "test_const"}),
                    "'test_const' names plugins of 2 kinds; choose one with --kind strategy or --kind scheduler");
  CHECK(lines_of(run({"describe", "test_const", "--kind", "strategy"})).at(2) == "version  0.3.0");
  CHECK(lines_of(run({"describe", "test_const", "--kind", "scheduler"})).at(2) == "version  1.0.0");
}

TEST_CASE("plugins describe of an unknown name suggests the nearest") {
  CHECK_THROWS_WITH(run({"describe", "test_lineer"}),
                    "unknown plugin 'test_lineer' (did you mean 'test_linear'?); available: test_const, test_linear, "
                    "test_throwing");
  CHECK_THROWS_WITH(run({"describe", "test_lineer", "--kind", "scheduler"}),
                    "unknown scheduler plugin 'test_lineer' (did you mean 'test_linear'?); available: test_const, "
                    "test_linear, test_throwing");
  CHECK_THROWS_WITH(run({"describe", "test_linear", "--kind", "strategy"}),
                    "no strategy plugin 'test_linear': 'test_linear' is a scheduler plugin");
}

TEST_CASE("plugins --plugin-path is repeatable, also after the subcommand, and duplicates are input errors") {
  const std::string expected = "duplicate scheduler plugin 'test_linear': " + library("good").string() + " and " +
                               graft_test::duplicate_library().string() + "; remove one or take it off the plugin path";
  CHECK_THROWS_WITH(run({"list", "--plugin-path", kDuplicateDir.string()}), expected);
  CHECK_THROWS_AS(run({"--plugin-path", kDuplicateDir.string(), "list"}), InputError);
}
