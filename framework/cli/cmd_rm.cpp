// `graft rm RUN... | --experiment NAME | --status STATUS [--dry-run] [--force]`: deletes runs,
// their rows and their run folders. The rows go first, in one transaction (Store::delete_runs),
// and the folders only once it has committed: a failed transaction leaves everything as it was,
// and a folder that cannot be removed after it is an orphan that `graft gc` removes later.
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/disk_space.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"
#include "graft/storage/location.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

using storage::RunSummary;

struct RmOptions {
  std::vector<std::int64_t> runs;
  std::string experiment;
  std::string status;
  bool dry_run = false;
  bool force = false;
};

// The runs the command line names: ids (each must exist), or those of --experiment / --status.
std::vector<RunSummary> chosen_runs(const RmOptions& options, const storage::Store& store) {
  if (options.runs.empty() && options.experiment.empty() && options.status.empty()) {
    throw InputError("say which runs to delete: run ids, --experiment NAME or --status STATUS (see `graft runs`)");
  }
  if (options.runs.empty()) {
    const storage::RunFilter filter = run_filter(options.experiment, options.status);
    const auto runs = store.list_runs(filter);
    if (runs.empty() && filter.experiment) require_experiment(store, *filter.experiment);
    return runs;
  }
  const std::set<std::int64_t> ids(options.runs.begin(), options.runs.end());
  std::vector<RunSummary> runs;
  for (const auto& run : store.list_runs()) {
    if (ids.count(run.id)) runs.push_back(run);
  }
  for (const std::int64_t id : ids) {
    if (std::none_of(runs.begin(), runs.end(), [id](const RunSummary& run) { return run.id == id; })) {
      throw InputError(fmt::format("no run {} in {} (see `graft runs`)", id, store.path().string()));
    }
  }
  return runs;
}

// Refuses, before anything is deleted: a running run (its process still writes into its folder;
// --force does not change that), and unless --force a run whose files other runs used.
void check_deletable(const std::vector<RunSummary>& runs, const std::vector<std::int64_t>& ids,
                     const storage::Store& store, bool force) {
  for (const auto& run : runs) {
    if (run.status == storage::RunStatus::Running) {
      throw InputError(fmt::format("run {} is running (pid {} on {}): stop it first, then delete it", run.id, run.pid,
                                   run.host));
    }
  }
  if (force) return;
  const auto dependencies = store.dependents(ids);
  if (dependencies.empty()) return;
  std::vector<std::string> lines;
  for (const auto& dependency : dependencies) {
    lines.push_back(fmt::format("run {} by run {} ({})", dependency.run, dependency.dependent, dependency.artifact));
  }
  throw InputError(fmt::format("other runs took weights from the runs to delete: {}; delete those runs too, or pass "
                               "--force to delete anyway (their records keep naming the files that are gone)",
                               host::join(lines, "; ")));
}

std::vector<Removal> run_folders(const std::vector<RunSummary>& runs, const std::filesystem::path& store_path) {
  std::vector<Removal> removals;
  for (const auto& run : runs) {
    removals.push_back(planned_removal(storage::run_folder(store_path, run.id),
                                       fmt::format("run {} ({} {}, {})", run.id, run.experiment, run.trial,
                                                   storage::status_name(run.status))));
  }
  return removals;
}

std::string runs_count(std::size_t count) { return fmt::format("{} run{}", count, count == 1 ? "" : "s"); }

void run_rm(const RmOptions& options, Context& context) {
  const storage::Store reading = open_store_for_reading(context);  // never creates a store
  const auto runs = chosen_runs(options, reading);
  if (runs.empty()) {
    std::cout << fmt::format("no matching runs in {}: nothing to delete\n", reading.path().string());
    context.exit_status = 0;
    return;
  }
  std::vector<std::int64_t> ids;
  for (const auto& run : runs) ids.push_back(run.id);
  check_deletable(runs, ids, reading, options.force);
  const auto removals = run_folders(runs, reading.path());
  print_removals(std::cout, removals);
  const std::string bytes = format_bytes(static_cast<std::int64_t>(total_bytes(removals)));
  if (options.dry_run) {
    std::cout << fmt::format("would delete {}, freeing {} (dry run: nothing was changed)\n", runs_count(runs.size()),
                             bytes);
    context.exit_status = 0;
    return;
  }
  storage::Store::open(reading.path(), storage::Store::Access::ReadWrite).delete_runs(ids);
  const Freed freed = remove_all(removals);
  std::cout << fmt::format("deleted {}, freed {}\n", runs_count(runs.size()),
                           format_bytes(static_cast<std::int64_t>(freed.bytes)));
  const bool clean = report_failures(freed, "the runs' rows are deleted; `graft gc` removes the folders left");
  context.exit_status = clean ? 0 : 1;
}

}  // namespace

void add_rm_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<RmOptions>();
  CLI::App* rm = app.add_subcommand("rm", "Delete runs: their rows in the store and their run folders");
  auto* ids = rm->add_option("runs", options->runs, "Run ids (see `graft runs`)");
  rm->add_option("--experiment", options->experiment, "Every run of this experiment")->excludes(ids);
  rm->add_option("--status", options->status, "Every run with this status: " + host::join(status_names(), ", "))
      ->excludes(ids);
  rm->add_flag("--dry-run", options->dry_run, "Print what would be deleted and the space it would free; change nothing");
  rm->add_flag("--force", options->force, "Delete runs whose checkpoints other runs took (run:NAME) all the same");
  rm->callback([options, &context] { run_rm(*options, context); });
}

}  // namespace graft::cli
