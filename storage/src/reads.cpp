// Reads for the command line: run listings and everything about one run.
#include <initializer_list>

#include <fmt/format.h>

#include "filter.hpp"
#include "liveness.hpp"
#include "store_impl.hpp"

namespace graft::storage {
namespace {

using sqlite::Statement;

// The columns read_summary() expects, in its order; queries append their own columns after them.
constexpr const char* kSummarySelect =
    "SELECT r.id, e.name, r.trial, r.status, r.seed, r.started_at, r.ended_at, r.heartbeat_at, "
    "r.host, r.pid, r.error, r.kind";
constexpr int kSummaryColumns = 12;
constexpr const char* kRunsFrom = " FROM runs r JOIN experiments e ON e.id = r.experiment_id";
// ?1 is the experiment name and ?2 the status, NULL when not filtered: one fixed SQL text serves
// every filter, with the values bound.
// A stale `running` row reads as interrupted (liveness.hpp), so the status filter lets `running`
// rows through for `interrupted`, and the caller drops what does not match after reading.
constexpr const char* kRunsWhere =
    " WHERE (?1 IS NULL OR e.name = ?1) AND (?2 IS NULL OR r.status = ?2 OR (?2 = 'interrupted' AND r.status = "
    "'running'))";

std::string sql(std::initializer_list<const char*> parts) {
  std::string text;
  for (const char* part : parts) text += part;
  return text;
}

void bind_filter(Statement& statement, const RunFilter& filter) {
  statement.bind(1, filter.experiment);
  if (filter.status) statement.bind(2, status_name(*filter.status));
}

RunSummary read_summary(const Statement& row, const std::filesystem::path& path) {
  RunSummary summary;
  summary.id = row.get_int(0);
  summary.experiment = row.get_text(1);
  summary.trial = row.get_text(2);
  const std::string status = row.get_text(3);
  const auto parsed = parse_status(status);
  if (!parsed) {
    throw StoreError(fmt::format("run {} in {} has status '{}', which this graft does not know", summary.id,
                                 path.string(), status));
  }
  summary.status = *parsed;
  summary.seed = row.get_int(4);
  summary.started_at = row.get_double(5);
  summary.ended_at = row.get_optional_double(6);
  summary.heartbeat_at = row.get_optional_double(7);
  summary.host = row.get_text(8);
  summary.pid = row.get_int(9);
  summary.error = row.get_text(10);  // NULL reads as ""
  const std::string kind = row.get_text(11);
  const auto parsed_kind = parse_kind(kind);
  if (!parsed_kind) {
    throw StoreError(fmt::format("run {} in {} has kind '{}', which this graft does not know", summary.id,
                                 path.string(), kind));
  }
  summary.kind = *parsed_kind;
  if (const auto why = stale_reason(summary, unix_now())) {
    summary.status = RunStatus::Interrupted;
    summary.error = std::string(kStaleRunError) + *why;
  }
  return summary;
}

std::vector<ParamRow> read_params(sqlite::Database& db, std::int64_t run_id) {
  Statement select(db, "SELECT key, value FROM params WHERE run_id = ? ORDER BY key");
  select.bind(1, run_id);
  std::vector<ParamRow> params;
  while (select.step()) params.push_back({select.get_text(0), select.get_value(1)});
  return params;
}

std::vector<FinalMetric> read_final_metrics(sqlite::Database& db, std::int64_t run_id) {
  Statement select(db, "SELECT key, value, step, epoch FROM final_metrics WHERE run_id = ? ORDER BY key");
  select.bind(1, run_id);
  std::vector<FinalMetric> metrics;
  while (select.step()) {
    metrics.push_back({select.get_text(0), select.get_double(1), select.get_int(2), select.get_optional_int(3)});
  }
  return metrics;
}

// The last value of each metric within each epoch (highest step, then the row logged last),
// pivoted into one row per epoch. Rows without an epoch are not part of any epoch.
std::vector<EpochRow> read_epochs(sqlite::Database& db, std::int64_t run_id) {
  Statement select(db,
                   "SELECT epoch, key, value FROM ("
                   "  SELECT epoch, key, value, row_number() OVER ("
                   "    PARTITION BY epoch, key ORDER BY step DESC, rowid DESC) AS recency"
                   "  FROM metrics WHERE run_id = ? AND epoch IS NOT NULL)"
                   " WHERE recency = 1 ORDER BY epoch, key");
  select.bind(1, run_id);
  std::vector<EpochRow> epochs;
  while (select.step()) {
    const std::int64_t epoch = select.get_int(0);
    if (epochs.empty() || epochs.back().epoch != epoch) epochs.push_back({epoch, {}});
    epochs.back().metrics.emplace_back(select.get_text(1), select.get_double(2));
  }
  return epochs;
}

std::vector<PluginRow> read_plugins(sqlite::Database& db, std::int64_t run_id) {
  Statement select(db, "SELECT kind, name, version, path, sha256 FROM run_plugins WHERE run_id = ? ORDER BY rowid");
  select.bind(1, run_id);
  std::vector<PluginRow> plugins;
  while (select.step()) {
    plugins.push_back({select.get_text(0), select.get_text(1), select.get_text(2), select.get_text(3), select.get_text(4)});
  }
  return plugins;
}

// A `running` row read as interrupted (stale) belongs to an `interrupted` scope only.
void keep_if_in_scope(std::vector<RunSummary>& runs, RunSummary run, const RunFilter& filter) {
  if (!filter.status || run.status == *filter.status) runs.push_back(std::move(run));
}

std::vector<ArtifactRow> read_artifacts(sqlite::Database& db, std::int64_t run_id) {
  Statement select(db, "SELECT name, path, sha256, bytes FROM artifacts WHERE run_id = ? ORDER BY name");
  select.bind(1, run_id);
  std::vector<ArtifactRow> artifacts;
  while (select.step()) {
    artifacts.push_back({select.get_text(0), select.get_text(1), select.get_text(2), select.get_int(3)});
  }
  return artifacts;
}

}  // namespace

std::vector<RunSummary> Store::list_runs(const RunFilter& filter) const {
  Statement select(impl_->db, sql({kSummarySelect, kRunsFrom, kRunsWhere, " ORDER BY r.id"}).c_str());
  bind_filter(select, filter);
  std::vector<RunSummary> runs;
  while (select.step()) keep_if_in_scope(runs, read_summary(select, impl_->path), filter);
  return runs;
}

std::vector<RunSummary> Store::find_runs(const RunQuery& query) const {
  // Compiled first: a bad filter is reported before the store is read.
  const filter::Sql where = query.filter.empty() ? filter::Sql{"1", {}} : filter::compile_filter(query.filter);
  const filter::Sql order = query.sort.empty() ? filter::Sql{"r.id", {}} : filter::compile_sort(query.sort);
  // ?1 and ?2 are the scope (kRunsWhere); the filter's and the sort's values follow, then the
  // limit (-1: none).
  const std::string text = sql({kSummarySelect, kRunsFrom, kRunsWhere}) + " AND (" + where.text + ") ORDER BY " +
                           order.text + (query.sort.empty() ? "" : ", r.id") + " LIMIT ?";
  Statement select(impl_->db, text.c_str());
  bind_filter(select, query.scope);
  int index = 2;
  for (const auto& value : where.values) select.bind(++index, value);
  for (const auto& value : order.values) select.bind(++index, value);
  select.bind(++index, query.limit.value_or(-1));
  std::vector<RunSummary> runs;
  while (select.step()) keep_if_in_scope(runs, read_summary(select, impl_->path), query.scope);
  return runs;
}

std::optional<std::int64_t> Store::completed_run(const std::string& experiment, const std::string& config_hash,
                                                 std::int64_t seed) const {
  Statement select(impl_->db,
                   "SELECT r.id FROM runs r JOIN experiments e ON e.id = r.experiment_id "
                   "WHERE r.config_hash = ? AND r.seed = ? AND e.name = ? AND r.status = 'completed' AND r.kind = 'train' "
                   "ORDER BY r.id DESC LIMIT 1");
  select.bind_all(config_hash, seed, experiment);
  if (!select.step()) return std::nullopt;
  return select.get_int(0);
}

std::map<std::int64_t, std::map<std::string, Value>> Store::param_values(const std::vector<std::string>& keys,
                                                                         const RunFilter& filter) const {
  Statement select(impl_->db, sql({"SELECT r.id, p.value", kRunsFrom, " JOIN params p ON p.run_id = r.id",
                                   kRunsWhere, " AND p.key = ?3"})
                                  .c_str());
  std::map<std::int64_t, std::map<std::string, Value>> values;
  for (const auto& key : keys) {
    select.reset();
    bind_filter(select, filter);
    select.bind(3, key);
    while (select.step()) values[select.get_int(0)][key] = select.get_value(1);
  }
  return values;
}

std::vector<MetricPoint> Store::metric_series(std::int64_t run_id, const std::string& key) const {
  Statement select(impl_->db,
                   "SELECT step, epoch, value, time FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, rowid");
  select.bind_all(run_id, key);
  std::vector<MetricPoint> points;
  while (select.step()) {
    points.push_back({key, select.get_int(0), select.get_optional_int(1), select.get_double(2), select.get_double(3)});
  }
  return points;
}

std::map<std::int64_t, std::map<std::string, double>> Store::final_values(const std::vector<std::string>& keys,
                                                                         const RunFilter& filter) const {
  // One query per key: the key is a partition column of final_metrics, so SQLite computes the
  // window over that key's rows only.
  Statement select(impl_->db, sql({"SELECT r.id, f.value", kRunsFrom, " JOIN final_metrics f ON f.run_id = r.id",
                                   kRunsWhere, " AND f.key = ?3"})
                                  .c_str());
  std::map<std::int64_t, std::map<std::string, double>> values;
  for (const auto& key : keys) {
    select.reset();
    bind_filter(select, filter);
    select.bind(3, key);
    while (select.step()) values[select.get_int(0)][key] = select.get_double(1);
  }
  return values;
}

std::optional<RunDetails> Store::get_run(std::int64_t run_id) const {
  auto& db = impl_->db;
  Statement select(db, sql({kSummarySelect, ", r.config_toml, r.config_hash", kRunsFrom, " WHERE r.id = ?"}).c_str());
  select.bind(1, run_id);
  if (!select.step()) return std::nullopt;

  RunDetails details;
  details.summary = read_summary(select, impl_->path);
  details.config_toml = select.get_text(kSummaryColumns);
  details.config_hash = select.get_text(kSummaryColumns + 1);
  details.params = read_params(db, run_id);
  details.final_metrics = read_final_metrics(db, run_id);
  details.epochs = read_epochs(db, run_id);
  details.plugins = read_plugins(db, run_id);
  details.artifacts = read_artifacts(db, run_id);
  return details;
}

}  // namespace graft::storage
