#pragma once
// The results store: one SQLite file holding experiments, runs, their resolved params, metrics,
// plugins and artifacts. No torch here. Schema and SQL examples: docs/querying.md.
//
// Concurrency: WAL mode and a busy timeout; every write is one short transaction, so a run in
// progress never blocks readers and several writer processes can share one file.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace graft::storage {

// Schema version written to PRAGMA user_version; a store from a newer graft is refused.
inline constexpr int kSchemaVersion = 3;

// Failures of the store itself (cannot open, corrupt, newer schema, SQL error).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A statement given to query() that would write, or that SQLite rejects.
class QueryError : public StoreError {
 public:
  using StoreError::StoreError;
};

// A `--filter` or `--sort` text that does not parse; what() is one line
// "filter: error at column N: ..." naming the offending token.
class FilterError : public StoreError {
 public:
  using StoreError::StoreError;
};

// A param value as SQLite stores it: integers and reals stay numeric so SQL can compare them;
// booleans are 0/1 integers; lists are their TOML text.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
std::string to_text(const Value& value);  // "" for null; shortest round-trip text for numbers

enum class RunStatus { Running, Completed, Failed, Interrupted };
const char* status_name(RunStatus status);                     // "completed", ...
std::optional<RunStatus> parse_status(const std::string& name);
std::vector<RunStatus> all_statuses();                         // in lifecycle order, running first

// What a run did: trained a trial (`graft run`), or probed learning rates with an LR range test
// (`graft lr-find`). The `kind` column of `runs` (schema 3); runs recorded before it are training
// runs. Comparisons, reports' leaderboards and `graft run`'s skipping of completed trials count
// training runs only.
enum class RunKind { Train, LrFind };
const char* kind_name(RunKind kind);                           // "train", "lr_find"
std::optional<RunKind> parse_kind(const std::string& name);
std::vector<RunKind> all_kinds();

// This machine's name as runs record it (`host`), and as liveness checks compare it.
std::string this_host();

// Throws StoreError when a store cannot be written at `path` (its folder is missing, or it or its
// folder is read-only), so that a command finds out before it does any work.
void check_store_location(const std::filesystem::path& path);

struct ParamRow {
  std::string key;  // dotted: "train.lr", "model.plugin"
  Value value;
};

struct PluginRow {
  std::string kind;  // model / dataset / strategy / scheduler
  std::string name;
  std::string version;
  std::string path;
  std::string sha256;
};

struct NewRun {
  std::string experiment;   // created on first use
  std::string description;  // experiment description (updated if it changed)
  std::string trial;        // e.g. "strategy.plugin=full,train.lr=0.0003,seed=2"
  std::string config_toml;  // the resolved config
  std::string config_hash;  // sha256 of config_toml
  std::int64_t seed = 0;
  std::vector<ParamRow> params;
  std::vector<PluginRow> plugins;
  std::string host;         // hostname
  std::int64_t pid = 0;
  RunKind kind = RunKind::Train;
};

struct MetricPoint {
  std::string key;                  // "train.loss", "val.accuracy", "lr"
  std::int64_t step = 0;            // optimizer steps done when measured
  std::optional<std::int64_t> epoch;
  double value = 0;
  double time = 0;                  // unix seconds; 0 means "when logged"
};

struct ArtifactRow {
  std::string name;                 // "best", "last"
  std::string path;
  std::string sha256;
  std::int64_t bytes = 0;
};

struct RunSummary {
  std::int64_t id = 0;
  std::string experiment;
  std::string trial;
  RunStatus status = RunStatus::Running;
  std::int64_t seed = 0;
  double started_at = 0;            // unix seconds
  std::optional<double> ended_at;
  std::optional<double> heartbeat_at;
  std::string host;
  std::int64_t pid = 0;
  std::string error;
  RunKind kind = RunKind::Train;
};

struct FinalMetric {
  std::string key;
  double value = 0;                 // value at the highest step (ties: the latest row)
  std::int64_t step = 0;
  std::optional<std::int64_t> epoch;
};

// One row per epoch: every metric logged with that epoch, last value of the epoch.
struct EpochRow {
  std::int64_t epoch = 0;
  std::vector<std::pair<std::string, double>> metrics;  // sorted by key
};

struct RunDetails {
  RunSummary summary;
  std::string config_toml;
  std::string config_hash;
  std::vector<ParamRow> params;           // sorted by key
  std::vector<FinalMetric> final_metrics; // sorted by key
  std::vector<EpochRow> epochs;           // sorted by epoch
  std::vector<PluginRow> plugins;
  std::vector<ArtifactRow> artifacts;
};

struct RunFilter {
  std::optional<std::string> experiment;
  std::optional<RunStatus> status;
};

// Runs chosen by an expression, as `graft runs --filter EXPR --sort KEY --limit N` does; the
// grammar is in docs/querying.md. Empty filter: every run in scope; empty sort: by id.
struct RunQuery {
  RunFilter scope;
  std::string filter;
  std::string sort;
  std::optional<std::int64_t> limit;
};

// A run whose files another run used: `dependent` recorded a file inside `run`'s folder as an
// artifact, which is how a `run:NAME` reference (`model.pretrained`, `teacher.pretrained`) is
// recorded: the artifact is named by the param and holds the checkpoint it resolved to.
struct Dependency {
  std::int64_t run = 0;
  std::int64_t dependent = 0;
  std::string artifact;  // "model.pretrained"
};

// Result of a read-only SQL query: column names and rows of values.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

class Store {
 public:
  enum class Access { ReadWrite, ReadOnly };

  // ReadWrite creates the file if needed and migrates the schema forward. ReadOnly opens an
  // existing file without creating or migrating it. Throws StoreError with the path and the reason
  // (including "written by a newer graft (schema N; this graft reads up to M)").
  static Store open(const std::filesystem::path& path, Access access = Access::ReadWrite);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  const std::filesystem::path& path() const;

  // One transaction: the experiment (if new), the run (status running, started_at and
  // heartbeat_at now), its params and plugins. Returns the run id.
  std::int64_t begin_run(const NewRun& run);
  // One transaction for the whole batch; updates heartbeat_at too.
  void log_metrics(std::int64_t run_id, const std::vector<MetricPoint>& points);
  void heartbeat(std::int64_t run_id);
  void add_artifact(std::int64_t run_id, const ArtifactRow& artifact);  // replaces one of the same name
  // Sets status, ended_at and the error text (empty for none).
  void finish_run(std::int64_t run_id, RunStatus status, const std::string& error = {});
  // Runs still recorded as `running` whose process is gone (same host) or silent for 15 minutes
  // are read as `interrupted` by every read; this records them so (ended at their last
  // heartbeat). Returns their ids. `graft run` calls it when it opens the store.
  std::vector<std::int64_t> recover_stale_runs();
  // `graft resume`: the run is `running` again (in this process), and what it recorded after
  // optimizer step `step` (the end of the epoch it resumes from), its summary rows (no epoch)
  // included, is deleted: the resumed run records it anew.
  void reopen_run(std::int64_t run_id, std::int64_t step, const std::string& host, std::int64_t pid);

  std::vector<RunSummary> list_runs(const RunFilter& filter = {}) const;  // by id ascending
  // Throws FilterError for a filter or sort that does not parse, before reading anything.
  std::vector<RunSummary> find_runs(const RunQuery& query) const;
  // The latest completed training run of `experiment` with this config hash and seed: the run
  // that makes a new run of the same trial redundant (an lr_find run of the trial does not).
  std::optional<std::int64_t> completed_run(const std::string& experiment, const std::string& config_hash,
                                            std::int64_t seed) const;
  std::optional<RunDetails> get_run(std::int64_t run_id) const;
  // Final values (as in final_metrics) of `keys` for the runs list_runs(filter) returns:
  // run id -> key -> value. A run without a value for a key has no entry for it.
  std::map<std::int64_t, std::map<std::string, double>> final_values(const std::vector<std::string>& keys,
                                                                    const RunFilter& filter = {}) const;

  // Values of the params `keys` for the runs list_runs(filter) returns: run id -> key -> value.
  std::map<std::int64_t, std::map<std::string, Value>> param_values(const std::vector<std::string>& keys,
                                                                   const RunFilter& filter = {}) const;
  // Every value logged for one metric of a run, by step (for learning curves and LR schedules).
  std::vector<MetricPoint> metric_series(std::int64_t run_id, const std::string& key) const;

  // Deleting runs (`graft rm`). The runs outside `run_ids` that used files of a run in `run_ids`
  // (Dependency), by run then dependent.
  std::vector<Dependency> dependents(const std::vector<std::int64_t>& run_ids) const;
  // One transaction: every row of the runs (metrics, params, plugins, artifacts, the run) and the
  // experiments they leave without runs. Throws StoreError, deleting nothing, for an id not in
  // the store or a run still running (liveness as list_runs reads it), checked under the write
  // lock so that no `graft resume` can reopen a run in between. The run folders are the caller's
  // to remove once this has returned, so a failed transaction leaves rows and files as they were.
  void delete_runs(const std::vector<std::int64_t>& run_ids);

  // Runs the SQL on a read-only connection (SQLITE_OPEN_READONLY plus PRAGMA query_only), so a
  // statement that writes is refused (QueryError naming the reason) and changes nothing.
  QueryResult query(const std::string& sql) const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace graft::storage
