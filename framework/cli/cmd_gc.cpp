// `graft gc [--dry-run] [--cache]`: frees what no run needs any more. The store's rows stay as
// they are; only files go:
// - run folders no run row names (<stem>-runs/<id>/ of a run whose row is gone, e.g. a `graft rm`
//   whose folder removal failed): only folders named by a number, graft's, are candidates;
// - state.pt of completed runs (only `graft resume` reads it, and it resumes failed or
//   interrupted runs), unless the run asked to keep it ([train] keep_state = true);
// - with --cache, everything in the cache folder (<stem>-cache/: cached backbone features, which
//   teacher logits are computed from, and plugins' derived files). Every file there is derived
//   and recomputed by the next run that wants it, and no finished run reads it again, so "which
//   runs still need it" has no better answer than "none": all of it goes. Not while a run is
//   running, though: it may be writing a cache file it is about to record as an artifact.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/disk_space.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/storage/location.hpp"

namespace graft::cli {
namespace {

namespace fs = std::filesystem;
using storage::RunSummary;

struct GcOptions {
  bool dry_run = false;
  bool cache = false;
};

bool is_run_id(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
}

// Numbered folders under the runs folder, listed before the runs are read: a run's row is
// committed before its folder is made, so a folder seen here without a row read after it is
// no starting run's.
std::vector<fs::path> numbered_folders(const fs::path& runs_folder) {
  std::vector<fs::path> folders;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(runs_folder, error)) {
    std::error_code ignored;
    if (entry.is_directory(ignored) && !entry.is_symlink(ignored) && is_run_id(entry.path().filename().string())) {
      folders.push_back(entry.path());
    }
  }
  std::sort(folders.begin(), folders.end());
  return folders;
}

void add_orphans(const std::vector<fs::path>& folders, const std::vector<RunSummary>& runs,
                 std::vector<Removal>& removals) {
  std::set<std::string> named;
  for (const auto& run : runs) named.insert(std::to_string(run.id));
  for (const auto& folder : folders) {
    const std::string id = folder.filename().string();
    if (!named.count(id)) removals.push_back(planned_removal(folder, fmt::format("folder of run {}, which has no row", id)));
  }
}

bool keeps_state(const std::map<std::string, storage::Value>& params) {
  const auto value = params.find("train.keep_state");
  if (value == params.end()) return false;
  const auto* flag = std::get_if<std::int64_t>(&value->second);  // booleans are 0/1 integers
  return flag && *flag != 0;
}

void add_completed_states(const storage::Store& store, const std::vector<RunSummary>& runs,
                          std::vector<Removal>& removals) {
  const auto params = store.param_values({"train.keep_state"});
  for (const auto& run : runs) {
    if (run.status != storage::RunStatus::Completed) continue;
    const auto found = params.find(run.id);
    if (found != params.end() && keeps_state(found->second)) continue;
    const fs::path state = storage::run_folder(store.path(), run.id) / "state.pt";
    std::error_code error;
    if (fs::exists(state, error)) removals.push_back(planned_removal(state, fmt::format("state.pt of completed run {}", run.id)));
  }
}

// Every entry of the cache folder, or none (with a note) while a run is running.
void add_cache(const fs::path& cache, const std::vector<RunSummary>& runs, std::vector<Removal>& removals) {
  const auto running = std::find_if(runs.begin(), runs.end(),
                                    [](const RunSummary& run) { return run.status == storage::RunStatus::Running; });
  if (running != runs.end()) {
    std::cerr << fmt::format("note: the cache {} is left as it is: run {} is running and may be writing to it\n",
                             cache.string(), running->id);
    return;
  }
  std::error_code error;
  std::vector<fs::path> entries;
  for (const auto& entry : fs::directory_iterator(cache, error)) entries.push_back(entry.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& entry : entries) removals.push_back(planned_removal(entry, "cache"));
}

void run_gc(const GcOptions& options, Context& context) {
  const storage::Store store = open_store_for_reading(context);
  const auto folders = numbered_folders(storage::runs_folder(store.path()));
  const auto runs = store.list_runs();
  std::vector<Removal> removals;
  add_orphans(folders, runs, removals);
  add_completed_states(store, runs, removals);
  if (options.cache) add_cache(storage::cache_folder(store.path()), runs, removals);

  if (!removals.empty()) print_removals(std::cout, removals);
  if (options.dry_run) {
    std::cout << fmt::format("would free {} in {} path{} (dry run: nothing was removed)\n",
                             format_bytes(static_cast<std::int64_t>(total_bytes(removals))), removals.size(),
                             removals.size() == 1 ? "" : "s");
    context.exit_status = 0;
    return;
  }
  const Freed freed = remove_all(removals);
  std::cout << fmt::format("freed {} in {} path{}\n", format_bytes(static_cast<std::int64_t>(freed.bytes)),
                           removals.size() - freed.failures.size(), removals.size() - freed.failures.size() == 1 ? "" : "s");
  context.exit_status = report_failures(freed, "check the permissions of those paths and run `graft gc` again") ? 0 : 1;
}

}  // namespace

void add_gc_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<GcOptions>();
  CLI::App* gc = app.add_subcommand(
      "gc", "Free disk space: run folders without a run, completed runs' state.pt, and with --cache the cache");
  gc->add_flag("--dry-run", options->dry_run, "Print what would be removed and the space it would free; remove nothing");
  gc->add_flag("--cache", options->cache, "Also empty the cache folder (cached features; recomputed when needed)");
  gc->callback([options, &context] { run_gc(*options, context); });
}

}  // namespace graft::cli
