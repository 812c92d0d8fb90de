// The writes of a run's life: begin, metrics, heartbeats, artifacts, finish. Each is one short
// transaction (Impl::write), so readers never wait long and a failure leaves nothing half-written.
#include <chrono>
#include <set>

#include <fmt/format.h>

#include "liveness.hpp"
#include "store_impl.hpp"

namespace graft::storage {
namespace {

using sqlite::Database;
using sqlite::Statement;

// Every write about a run refreshes its heartbeat, which is also how a missing run is noticed:
// the update changes no row. (A foreign key failure would only say "FOREIGN KEY constraint
// failed".)
void touch_run(Database& db, std::int64_t run_id, double now, const std::filesystem::path& path) {
  Statement(db, "UPDATE runs SET heartbeat_at = ? WHERE id = ?").bind_all(now, run_id).run();
  if (db.changes() == 0) throw StoreError(fmt::format("no run {} in {}", run_id, path.string()));
}

// The experiment's id, creating it on first use and updating a changed description.
std::int64_t ensure_experiment(Database& db, const NewRun& run, double now) {
  Statement(db,
            "INSERT INTO experiments (name, description, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET description = excluded.description "
            "WHERE description IS NOT excluded.description")
      .bind_all(run.experiment, run.description, now)
      .run();
  Statement select(db, "SELECT id FROM experiments WHERE name = ?");
  select.bind(1, run.experiment).step();
  return select.get_int(0);
}

// Mistakes of the caller, reported before the transaction starts with a clearer message than
// the constraint that would catch them.
void check_new_run(const NewRun& run) {
  if (run.experiment.empty()) throw StoreError("cannot start a run without an experiment name");
  std::set<std::string> keys;
  for (const auto& param : run.params) {
    if (param.key.empty()) throw StoreError(fmt::format("run of experiment {} has a param with an empty key", run.experiment));
    if (!keys.insert(param.key).second) {
      throw StoreError(fmt::format("run of experiment {} lists param {} twice; nothing was written", run.experiment, param.key));
    }
  }
}

}  // namespace

std::int64_t Store::begin_run(const NewRun& run) {
  check_new_run(run);
  std::int64_t run_id = 0;
  impl_->write(fmt::format("start a run of experiment {}", run.experiment), [&](Database& db) {
    const double now = unix_now();
    const std::int64_t experiment_id = ensure_experiment(db, run, now);

    Statement(db,
              "INSERT INTO runs (experiment_id, trial, status, config_toml, config_hash, seed, "
              "started_at, heartbeat_at, host, pid, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind_all(experiment_id, run.trial, status_name(RunStatus::Running), run.config_toml,
                  run.config_hash, run.seed, now, now, run.host, run.pid, kind_name(run.kind))
        .run();
    run_id = db.last_insert_id();

    Statement insert_param(db, "INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)");
    for (const auto& param : run.params) insert_param.bind_all(run_id, param.key, param.value).run();

    Statement insert_plugin(db,
                            "INSERT INTO run_plugins (run_id, kind, name, version, path, sha256) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& plugin : run.plugins) {
      insert_plugin.bind_all(run_id, plugin.kind, plugin.name, plugin.version, plugin.path, plugin.sha256).run();
    }
  });
  return run_id;
}

void Store::log_metrics(std::int64_t run_id, const std::vector<MetricPoint>& points) {
  impl_->write(fmt::format("record metrics of run {}", run_id), [&](Database& db) {
    const double now = unix_now();
    touch_run(db, run_id, now, impl_->path);
    Statement insert(db, "INSERT INTO metrics (run_id, key, step, epoch, value, time) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& point : points) {
      const double time = point.time > 0 ? point.time : now;
      insert.bind_all(run_id, point.key, point.step, point.epoch, point.value, time).run();
    }
  });
}

void Store::heartbeat(std::int64_t run_id) {
  impl_->write(fmt::format("update the heartbeat of run {}", run_id),
               [&](Database& db) { touch_run(db, run_id, unix_now(), impl_->path); });
}

void Store::add_artifact(std::int64_t run_id, const ArtifactRow& artifact) {
  impl_->write(fmt::format("record artifact {} of run {}", artifact.name, run_id), [&](Database& db) {
    touch_run(db, run_id, unix_now(), impl_->path);
    Statement(db,
              "INSERT INTO artifacts (run_id, name, path, sha256, bytes) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (run_id, name) DO UPDATE SET "
              "path = excluded.path, sha256 = excluded.sha256, bytes = excluded.bytes")
        .bind_all(run_id, artifact.name, artifact.path, artifact.sha256, artifact.bytes)
        .run();
  });
}

void Store::finish_run(std::int64_t run_id, RunStatus status, const std::string& error) {
  if (status == RunStatus::Running) {
    throw StoreError(fmt::format("cannot finish run {} as {}: a finished run is completed, failed or interrupted",
                                 run_id, status_name(status)));
  }
  impl_->write(fmt::format("finish run {}", run_id), [&](Database& db) {
    const double now = unix_now();
    touch_run(db, run_id, now, impl_->path);
    // An empty error is stored as NULL, so `WHERE error IS NOT NULL` finds the runs that have one.
    const std::optional<std::string> error_text = error.empty() ? std::nullopt : std::optional(error);
    Statement(db, "UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ?")
        .bind_all(status_name(status), now, error_text, run_id)
        .run();
  });
}

std::vector<std::int64_t> Store::recover_stale_runs() {
  std::vector<std::int64_t> recovered;
  const double now = unix_now();
  for (const auto& run : list_runs(RunFilter{std::nullopt, RunStatus::Interrupted})) {
    // list_runs shows a stale `running` row as interrupted; rewrite only those rows.
    if (run.ended_at || run.error.rfind(kStaleRunError, 0) != 0) continue;
    impl_->write(fmt::format("record run {} as interrupted", run.id), [&](Database& db) {
      Statement(db, "UPDATE runs SET status = ?, ended_at = ?, error = ? WHERE id = ? AND status = ?")
          .bind_all(status_name(RunStatus::Interrupted), run.heartbeat_at.value_or(now), run.error, run.id,
                    status_name(RunStatus::Running))
          .run();
    });
    recovered.push_back(run.id);
  }
  return recovered;
}

void Store::reopen_run(std::int64_t run_id, std::int64_t step, const std::string& host, std::int64_t pid) {
  impl_->write(fmt::format("reopen run {}", run_id), [&](Database& db) {
    touch_run(db, run_id, unix_now(), impl_->path);
    Statement(db, "UPDATE runs SET status = ?, ended_at = NULL, error = NULL, host = ?, pid = ? WHERE id = ?")
        .bind_all(status_name(RunStatus::Running), host, pid, run_id)
        .run();
    Statement(db, "DELETE FROM metrics WHERE run_id = ? AND (step > ? OR epoch IS NULL)").bind_all(run_id, step).run();
  });
}

}  // namespace graft::storage
