// graft: transfer-learning experiments on LibTorch. This executable starts without LibTorch: it
// runs the store commands (runs, show, compare, query, export, report) and plugin listing itself,
// and hands the training commands to graft-engine (engine_handover.hpp). Exit statuses:
// command_line.hpp.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "cli/engine_handover.hpp"
#include "cli/training_commands.hpp"

namespace {

// The training commands appear in `graft --help` with their summaries; they never run here,
// since a command line naming one is handed over before parsing.
void list_training_commands(CLI::App& app) {
  for (const auto& command : graft::cli::training_commands()) {
    app.add_subcommand(std::string(command.name), std::string(command.summary))->allow_extras();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (const auto name = graft::cli::subcommand_of(argc, argv); name && graft::cli::is_training_command(*name)) {
    try {
      graft::cli::hand_over_to_engine(argv);
    } catch (const std::exception& error) {
      std::cerr << "error: " << error.what() << '\n';
      return 1;
    }
  }
  CLI::App app{"graft: transfer-learning experiments on LibTorch", "graft"};
  graft::cli::Context context;
  graft::cli::add_global_options(app, context);
  list_training_commands(app);
  graft::cli::add_store_commands(app, context);
  return graft::cli::run_command_line(app, context, argc, argv, nullptr);
}
