#pragma once
// The commands that train or build models, and so need LibTorch, the engine and the plugins:
// `graft` itself starts without any of them (store commands and --help in milliseconds instead
// of the two seconds that loading LibTorch's 290 libraries takes) and hands these commands over
// to the `graft-engine` executable beside it (engine_handover.hpp), which has every command.
// Their one-line summaries live here once, for both executables' help.
#include <optional>
#include <string_view>
#include <vector>

namespace graft::cli {

struct TrainingCommand {
  std::string_view name;
  std::string_view summary;
};

// In the order `graft --help` lists them.
const std::vector<TrainingCommand>& training_commands();
// The summary of a training command; throws std::logic_error for a name that is not one.
std::string summary_of(std::string_view training_command);

// The subcommand named on a command line: the first argument that is neither a global option
// nor the value of `--db`, or nothing (`graft`, `graft --help`).
std::optional<std::string_view> subcommand_of(int argc, char** argv);
bool is_training_command(std::string_view name);

}  // namespace graft::cli
