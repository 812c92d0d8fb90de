#include "cli/training_commands.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace graft::cli {

const std::vector<TrainingCommand>& training_commands() {
  static const std::vector<TrainingCommand> commands{
      {"run", "train every trial of an experiment file and record it in the store"},
      {"validate", "check an experiment file and list its trials without training"},
      {"lr-curve", "print the learning rate of every optimizer group at each step of a trial, without training"},
      {"lr-find", "LR range test (fastai's lr_find): train a few steps with an exponentially growing learning rate "
                  "and suggest one"},
      {"resume", "continue an interrupted or failed run from its last completed epoch"},
      {"predict", "classify images or texts with a run's checkpoint or a model and its weights"},
      {"tokenize", "show how a text model's tokenizer encodes texts"},
      {"new", "Create a project from a template"},
  };
  return commands;
}

std::string summary_of(std::string_view training_command) {
  for (const auto& command : training_commands()) {
    if (command.name == training_command) return std::string(command.summary);
  }
  throw std::logic_error("not a training command: " + std::string(training_command));
}

bool is_training_command(std::string_view name) {
  const auto& commands = training_commands();
  return std::any_of(commands.begin(), commands.end(), [&](const TrainingCommand& c) { return c.name == name; });
}

std::optional<std::string_view> subcommand_of(int argc, char** argv) {
  for (int index = 1; index < argc; ++index) {
    const std::string_view argument = argv[index];
    if (argument == "--db") {
      ++index;  // its value
      continue;
    }
    if (argument.empty() || argument.front() == '-') continue;
    return argument;
  }
  return std::nullopt;
}

}  // namespace graft::cli
