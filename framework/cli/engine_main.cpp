// graft-engine: every graft command, the training ones included, linked with the engine and
// LibTorch. `graft` hands the training commands over to it (engine_handover.hpp); it also runs
// the store commands, so `--jobs` workers (which re-execute this file) and a direct call work
// alike. Exit statuses: command_line.hpp.
#include <string>

#include <CLI/CLI.hpp>
#include <c10/util/Exception.h>

#include "cli/command.hpp"
#include "cli/command_line.hpp"
#include "cli/memory_policy.hpp"
#include "cli/thread_wait_policy.hpp"

namespace {

std::string without_backtrace(const std::exception& error) {
  if (const auto* torch_error = dynamic_cast<const c10::Error*>(&error)) return torch_error->what_without_backtrace();
  return error.what();
}

// In the order of training_commands.hpp.
void add_training_commands(CLI::App& app, graft::cli::Context& context) {
  graft::cli::add_run_command(app, context);
  graft::cli::add_validate_command(app, context);
  graft::cli::add_lr_curve_command(app, context);
  graft::cli::add_lr_find_command(app, context);
  graft::cli::add_resume_command(app, context);
  graft::cli::add_predict_command(app, context);
  graft::cli::add_tokenize_command(app, context);
  graft::cli::add_new_command(app, context);
}

}  // namespace

int main(int argc, char** argv) {
  graft::cli::ensure_passive_thread_wait(argv);
  graft::cli::keep_freed_memory_for_reuse();
  CLI::App app{"graft: transfer-learning experiments on LibTorch", "graft"};
  graft::cli::Context context;
  graft::cli::add_global_options(app, context);
  add_training_commands(app, context);
  graft::cli::add_store_commands(app, context);
  return graft::cli::run_command_line(app, context, argc, argv, without_backtrace);
}
