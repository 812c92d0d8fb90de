// graft resume RUN: an interrupted or failed run goes on from the end of its last completed epoch,
// in the same run, as if it had never stopped (on CPU, the same final metrics).
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/experiment_loader.hpp"
#include "cli/training_commands.hpp"
#include "cli/parallel_run.hpp"
#include "cli/rank_join.hpp"
#include "cli/rank_launch.hpp"
#include "engine/experiment_runner.hpp"

namespace graft::cli {
namespace {

struct ResumeArguments {
  std::int64_t run = 0;
  bool no_progress = false;
  std::vector<std::string> plugin_paths;
  int ranks = 1;         // --nproc-per-node
  int worker_threads = 0;  // set for the ranks --nproc-per-node starts
};

// The ranks of `graft resume RUN --nproc-per-node N`: this command again, once per rank.
int launch_resume(const ResumeArguments& arguments, const Context& context) {
  std::vector<std::string> args = {"resume", std::to_string(arguments.run), "--db",
                                   std::filesystem::absolute(context.store_path()).string()};
  if (arguments.no_progress) args.push_back("--no-progress");
  for (const auto& path : arguments.plugin_paths) args.insert(args.end(), {"--plugin-path", path});
  const int threads = threads_per_process(arguments.ranks);
  args.insert(args.end(), {"--worker-threads", std::to_string(threads)});
  return combined_status(launch_ranks(args, arguments.ranks, threads));
}

int resume(const ResumeArguments& arguments, const Context& context) {
  const auto world = job_of_this_process(arguments.ranks);
  if (!world && arguments.ranks > 1) return launch_resume(arguments, context);
  const auto registry = registry_for_run(context.store_path(), arguments.run, arguments.plugin_paths);
  engine::RunOptions options;
  options.store_path = context.store_path();
  options.show_progress = !arguments.no_progress;
  options.default_threads = arguments.worker_threads;
  // The timeout of the run's own config is known only once it is read: the default here.
  std::unique_ptr<distributed::Rendezvous> rendezvous;
  if (world) rendezvous = join_job(*world, std::chrono::seconds(300), options);
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
  command->add_option("--nproc-per-node", arguments->ranks,
                      "go on over N data-parallel processes on this machine (as many as the run had, or not)")
      ->check(CLI::Range(1, 1024));
  command->add_option("--worker-threads", arguments->worker_threads)->group("");
  command->callback([arguments, &context] { context.exit_status = resume(*arguments, context); });
}

}  // namespace graft::cli
