#include "schema.hpp"

#include <iterator>

#include <fmt/format.h>

namespace graft::storage::schema {
namespace {

// Version 1. docs/querying.md documents every table, view and column: change both together.
//
// Choices that are not obvious from the SQL:
// - runs uses AUTOINCREMENT so a deleted run's id is never given to a new run: ids appear in
//   notes, checkpoint folders and shell history, and must keep meaning one run.
// - params.value has no declared type, hence no type affinity: each value keeps the type it was
//   bound with (INTEGER, REAL or TEXT), so `WHERE value > 1e-4` compares numbers as numbers. A
//   declared type such as NUMERIC or ANY would convert the text "1e-4" into a number.
// - metrics.value is NULL when the measured value was NaN (SQLite stores NaN as NULL), so a
//   diverged loss is recorded instead of failing the batch.
// - metrics keeps its rowid: final_metrics breaks ties between rows of one step by the latest
//   rowid, i.e. the value logged last.
// - final_metrics finds each series' last row through the (run_id, key, step) index, whose
//   entries end with the rowid, so no sort is needed; it is ~20x faster than a row_number()
//   window over a million rows. Its run_id and key come from the grouped subquery so that a
//   `WHERE run_id = ?` on the view is pushed down into it and reads only that run's index range.
// runs.status accepts 'queued', a status once reserved that no graft writes: kept, so that every
// store keeps one schema.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE CHECK (name <> ''),
  description TEXT NOT NULL DEFAULT '',
  created_at  REAL NOT NULL
);

CREATE TABLE runs (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
  trial         TEXT NOT NULL DEFAULT '',
  status        TEXT NOT NULL
                CHECK (status IN ('queued', 'running', 'completed', 'failed', 'interrupted')),
  config_toml   TEXT NOT NULL DEFAULT '',
  config_hash   TEXT NOT NULL DEFAULT '',
  seed          INTEGER NOT NULL DEFAULT 0,
  started_at    REAL NOT NULL,
  ended_at      REAL,
  heartbeat_at  REAL,
  host          TEXT NOT NULL DEFAULT '',
  pid           INTEGER NOT NULL DEFAULT 0,
  error         TEXT
);
CREATE INDEX runs_experiment ON runs(experiment_id);

CREATE TABLE params (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL CHECK (key <> ''),
  value,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  key    TEXT NOT NULL CHECK (key <> ''),
  step   INTEGER NOT NULL,
  epoch  INTEGER,
  value  REAL,
  time   REAL NOT NULL
);
CREATE INDEX metrics_run_key_step ON metrics(run_id, key, step);

CREATE TABLE run_plugins (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL,
  name    TEXT NOT NULL,
  version TEXT NOT NULL DEFAULT '',
  path    TEXT NOT NULL DEFAULT '',
  sha256  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX run_plugins_run ON run_plugins(run_id);

CREATE TABLE artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name   TEXT NOT NULL CHECK (name <> ''),
  path   TEXT NOT NULL,
  sha256 TEXT NOT NULL DEFAULT '',
  bytes  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

-- The last value of each metric of each run: highest step, ties broken by the row logged last.
CREATE VIEW final_metrics AS
SELECT series.run_id, series.key, m.value, m.step, m.epoch
FROM (SELECT run_id, key FROM metrics GROUP BY run_id, key) AS series
JOIN metrics m ON m.rowid = (
  SELECT rowid FROM metrics
  WHERE run_id = series.run_id AND key = series.key
  ORDER BY step DESC, rowid DESC
  LIMIT 1);

-- One row per run: what it was, how it went, and the final metrics people compare most. The
-- engine records the best epoch's metrics as best.<key> when a run ends (docs/experiments.md).
CREATE VIEW run_overview AS
SELECT r.id                        AS run_id,
       e.name                      AS experiment,
       r.trial                     AS trial,
       r.status                    AS status,
       r.seed                      AS seed,
       r.started_at                AS started_at,
       r.ended_at                  AS ended_at,
       r.ended_at - r.started_at   AS duration_s,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'model.plugin')    AS model,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'dataset.plugin')  AS dataset,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'strategy.plugin') AS strategy,
       (SELECT value FROM params p WHERE p.run_id = r.id AND p.key = 'train.lr')        AS lr,
       max(CASE f.key WHEN 'test.accuracy' THEN f.value END) AS test_accuracy,
       max(CASE f.key WHEN 'val.accuracy'  THEN f.value END) AS val_accuracy,
       max(CASE f.key WHEN 'test.macro_f1' THEN f.value END) AS test_macro_f1,
       max(CASE f.key WHEN 'val.loss'      THEN f.value END) AS val_loss,
       max(CASE f.key WHEN 'train.loss'    THEN f.value END) AS train_loss,
       max(CASE f.key WHEN 'best.test.accuracy' THEN f.value END) AS best_test_accuracy,
       max(CASE f.key WHEN 'best.epoch'    THEN f.value END) AS best_epoch
FROM runs r
JOIN experiments e ON e.id = r.experiment_id
LEFT JOIN final_metrics f ON f.run_id = r.id
GROUP BY r.id;
)sql";

// Version 2: `graft run` looks up a completed run of the same config and seed before training
// a trial again (Store::completed_run), once per trial.
constexpr const char* kSchemaV2 = R"sql(
CREATE INDEX runs_config_hash ON runs(config_hash);
)sql";

// Version 3: runs have a kind, 'train' (graft run) or 'lr_find' (graft lr-find, an LR range
// test recorded so that reports can plot it). Existing rows are training runs: the default fills
// them in. The check is only "not empty", not a list of kinds, so that a later kind needs no
// table rebuild (SQLite cannot change a column's CHECK in place); the code refuses kinds it does
// not know when it reads them. run_overview is left as it was (its columns are public; filter
// on runs.kind to leave lr_find runs out).
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'train' CHECK (kind <> '');
)sql";

using Migration = void (*)(sqlite::Database&);

void create_v1(sqlite::Database& db) { db.exec(kSchemaV1); }
void add_config_hash_index(sqlite::Database& db) { db.exec(kSchemaV2); }
// Idempotent: a store whose version number was set back by hand (as a test of version 2's
// migration does) still has the column, and ADD COLUMN would fail on it.
void add_run_kind(sqlite::Database& db) {
  if (db.query_int("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'kind'") == 0) db.exec(kSchemaV3);
}

// kMigrations[n] takes a store from version n to n + 1. A new schema version is one more
// function here, one more step in docs/querying.md, and kSchemaVersion + 1 in store.hpp.
constexpr Migration kMigrations[] = {
    &create_v1,
    &add_config_hash_index,
    &add_run_kind,
};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration per schema version");

// A version-0 file with tables was made by something else: migrating would mix our tables into
// another program's database, so it is refused instead.
bool has_tables(sqlite::Database& db) {
  return db.query_int("SELECT count(*) FROM sqlite_master") > 0;
}

}  // namespace

int version(sqlite::Database& db) { return static_cast<int>(db.query_int("PRAGMA user_version")); }

void check_version(sqlite::Database& db, int version, const std::filesystem::path& path, bool writable) {
  const std::string where = path.string();
  if (version > kSchemaVersion) {
    throw StoreError(fmt::format("{} was written by a newer graft (schema {}; this graft reads up to {}): upgrade graft",
                                 where, version, kSchemaVersion));
  }
  if (version == 0 && has_tables(db)) {
    // The version and the tables were read one after the other, outside a transaction: another
    // process creating the store may have committed both in between (they commit together, so
    // once its tables are visible its version is too). Read the version again before refusing.
    if (const int now = schema::version(db); now != 0) {
      check_version(db, now, path, writable);
      return;
    }
    throw StoreError(fmt::format("{} is a SQLite database but not a graft results store (it has tables and no graft "
                                 "schema version); point --db or GRAFT_DB at another file",
                                 where));
  }
  if (writable || version == kSchemaVersion) return;
  if (version == 0) {
    throw StoreError(fmt::format("{} is empty: no runs were recorded in it yet (run an experiment first)", where));
  }
  throw StoreError(fmt::format("{} has schema {}, older than this graft's {}, and was opened read-only; run any "
                               "experiment on it (which migrates it) and query again",
                               where, version, kSchemaVersion));
}

void migrate(sqlite::Database& db, const std::filesystem::path& path) {
  // Most opens find the schema current: check without taking the write lock.
  if (version(db) == kSchemaVersion) return;
  sqlite::with_busy_retry([&] {
    sqlite::Transaction transaction(db);
    // Re-read under the write lock: another process may have migrated in the meantime.
    for (int current = version(db); current < kSchemaVersion; ++current) {
      check_version(db, current, path, /*writable=*/true);
      kMigrations[current](db);
      // PRAGMA takes no bound parameters; the number is ours, not input.
      db.exec(fmt::format("PRAGMA user_version = {}", current + 1).c_str());
    }
    transaction.commit();
  });
}

}  // namespace graft::storage::schema
