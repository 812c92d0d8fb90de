// How `graft` tells a training command (handed to graft-engine) from one it runs itself.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "cli/training_commands.hpp"

using namespace graft::cli;

namespace {

std::optional<std::string> subcommand(std::vector<std::string> arguments) {
  std::vector<char*> argv;
  for (auto& argument : arguments) argv.push_back(argument.data());
  const auto found = subcommand_of(static_cast<int>(argv.size()), argv.data());
  return found ? std::optional<std::string>(std::string(*found)) : std::nullopt;
}

}  // namespace

TEST_CASE("the subcommand is the first argument that is neither a global option nor the store's path") {
  CHECK(subcommand({"graft", "run", "x.toml"}) == "run");
  CHECK(subcommand({"graft", "--db", "run.db", "runs", "--limit", "3"}) == "runs");
  CHECK(subcommand({"graft", "--db=run.db", "-q", "show", "1"}) == "show");
  CHECK(subcommand({"graft", "--quiet", "lr-find", "x.toml", "--db", "y.db"}) == "lr-find");
  CHECK_FALSE(subcommand({"graft", "--help"}));
  CHECK_FALSE(subcommand({"graft"}));
  CHECK_FALSE(subcommand({"graft", "--db"}));
}

TEST_CASE("training commands are known by name, with one summary for both executables") {
  for (const char* name : {"run", "validate", "lr-curve", "lr-find", "resume", "predict", "tokenize", "new"}) {
    INFO(name);
    CHECK(is_training_command(name));
    CHECK_FALSE(summary_of(name).empty());
  }
  for (const char* name : {"runs", "show", "compare", "query", "export", "report", "plugins", ""}) {
    INFO(name);
    CHECK_FALSE(is_training_command(name));
  }
  CHECK_THROWS_AS(summary_of("runs"), std::logic_error);
}
