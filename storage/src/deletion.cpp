// Deleting runs: which runs used another's files, and the one transaction that removes runs'
// rows. The files themselves are the caller's (`graft rm` removes them after the commit).
#include <algorithm>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "graft/storage/location.hpp"
#include "liveness.hpp"
#include "store_impl.hpp"

namespace graft::storage {
namespace {

namespace fs = std::filesystem;
using sqlite::Database;
using sqlite::Statement;

// A path as it can be compared with another: symlinks and ".." resolved where they exist, so a
// store reached through another spelling of its folder still finds its run folders.
fs::path comparable(const fs::path& path) {
  std::error_code error;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(path, error), error);
  return error ? fs::absolute(path).lexically_normal() : resolved;
}

bool inside(const fs::path& path, const fs::path& folder) {
  const auto mismatch = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return mismatch.first == folder.end();
}

// Every table whose rows belong to a run (a foreign key to runs), read from the schema itself so
// that a table a later schema adds cannot be forgotten here. Deleting them explicitly does not
// rely on ON DELETE CASCADE, which SQLite applies only where a connection turned foreign keys on.
std::vector<std::string> run_tables(Database& db) {
  Statement select(db,
                   "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
                   "WHERE m.type = 'table' AND f.\"table\" = 'runs' ORDER BY m.name");
  std::vector<std::string> tables;
  while (select.step()) tables.push_back(select.get_text(0));
  return tables;
}

// The run's experiment id; throws when the run is missing or still running.
std::int64_t check_deletable(Database& db, std::int64_t run_id, const fs::path& path) {
  Statement select(db, "SELECT experiment_id, status, host, pid, started_at, heartbeat_at FROM runs WHERE id = ?");
  select.bind(1, run_id);
  if (!select.step()) throw StoreError(fmt::format("no run {} in {}; nothing was deleted", run_id, path.string()));
  RunSummary run;
  run.id = run_id;
  run.status = parse_status(select.get_text(1)).value_or(RunStatus::Completed);
  run.host = select.get_text(2);
  run.pid = select.get_int(3);
  run.started_at = select.get_double(4);
  run.heartbeat_at = select.get_optional_double(5);
  if (run.status == RunStatus::Running && !stale_reason(run, unix_now())) {
    throw StoreError(fmt::format("run {} is running (pid {} on {}): stop it first; nothing was deleted", run_id,
                                 run.pid, run.host));
  }
  return select.get_int(0);
}

}  // namespace

std::vector<Dependency> Store::dependents(const std::vector<std::int64_t>& run_ids) const {
  const std::set<std::int64_t> chosen(run_ids.begin(), run_ids.end());
  struct Artifact {
    std::int64_t run;
    std::string name;
    fs::path path;
  };
  std::vector<Artifact> others;
  Statement select(impl_->db, "SELECT run_id, name, path FROM artifacts ORDER BY run_id, name");
  while (select.step()) {
    const std::int64_t run = select.get_int(0);
    if (!chosen.count(run)) others.push_back({run, select.get_text(1), comparable(select.get_text(2))});
  }
  std::vector<Dependency> found;
  for (const std::int64_t run : chosen) {
    const fs::path folder = comparable(run_folder(impl_->path, run));
    for (const auto& artifact : others) {
      if (inside(artifact.path, folder)) found.push_back({run, artifact.run, artifact.name});
    }
  }
  return found;
}

void Store::delete_runs(const std::vector<std::int64_t>& run_ids) {
  const std::set<std::int64_t> chosen(run_ids.begin(), run_ids.end());
  impl_->write(fmt::format("delete {} run(s)", chosen.size()), [&](Database& db) {
    std::set<std::int64_t> experiments;
    for (const std::int64_t run : chosen) experiments.insert(check_deletable(db, run, impl_->path));
    for (const std::string& table : run_tables(db)) {
      // The table name comes from this store's own schema, not from input.
      Statement remove(db, fmt::format("DELETE FROM \"{}\" WHERE run_id = ?", table).c_str());
      for (const std::int64_t run : chosen) remove.bind(1, run).run();
    }
    Statement remove_run(db, "DELETE FROM runs WHERE id = ?");
    for (const std::int64_t run : chosen) remove_run.bind(1, run).run();
    // An experiment exists to hold runs: one left empty would still be listed (compare, report)
    // and offered as a suggestion.
    Statement remove_experiment(db,
                                "DELETE FROM experiments WHERE id = ?1 AND NOT EXISTS "
                                "(SELECT 1 FROM runs WHERE experiment_id = ?1)");
    for (const std::int64_t experiment : experiments) remove_experiment.bind(1, experiment).run();
  });
}

}  // namespace graft::storage
