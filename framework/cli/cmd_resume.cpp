// graft resume RUN: an interrupted or failed run goes on from the end of its last completed epoch,
// in the same run, as if it had never stopped (on CPU, the same final metrics).
#include <memory>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/training_commands.hpp"
#include "engine/experiment_runner.hpp"

namespace graft::cli {
namespace {

struct ResumeArguments {
  std::int64_t run = 0;
  bool no_progress = false;
  std::vector<std::string> plugin_paths;
};

int resume(const ResumeArguments& arguments, const Context& context) {
  const auto registry = registry_for_run(context.store_path(), arguments.run, arguments.plugin_paths);
  engine::RunOptions options;
  options.store_path = context.store_path();
  options.show_progress = !arguments.no_progress;
  switch (engine::resume_run(arguments.run, registry, options)) {
    case storage::RunStatus::Completed: return 0;
    case storage::RunStatus::Interrupted: return 130;
    default: return 1;
  }
}

}  // namespace

void add_resume_command(CLI::App& app, Context& context) {
  auto arguments = std::make_shared<ResumeArguments>();
  auto* command = app.add_subcommand("resume", summary_of("resume"));
  command->add_option("RUN", arguments->run, "run id (see `graft runs --filter \"status = 'interrupted'\"`)")->required();
  command->add_flag("--no-progress", arguments->no_progress, "plain lines instead of a progress bar");
  command->add_option("--plugin-path", arguments->plugin_paths, "extra folder of plugin libraries (repeatable)");
  command->callback([arguments, &context] { context.exit_status = resume(*arguments, context); });
}

}  // namespace graft::cli
