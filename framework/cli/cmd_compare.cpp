// `graft compare RUN RUN...`: what differs between runs (their params) and how that turned out
// (their final metrics), side by side. Params equal in every run are hidden and counted.
// `graft compare --experiment NAME [--group-by KEY,KEY] [--metric M]...`: the experiment's
// completed training runs (not `graft lr-find` runs) grouped by params, with mean ± std, min, max and n of each metric
// (grouped_comparison.hpp).
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/grouped_comparison.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;
using storage::RunDetails;
using storage::Value;

struct CompareOptions {
  std::vector<std::int64_t> runs;
  std::string experiment;             // --experiment: the grouped form
  std::vector<std::string> group_by;  // --group-by KEY,KEY
  std::vector<std::string> metrics;   // --metric M (repeatable)
  Format format = Format::Table;
};

// One row of a side-by-side table: the value of a key in each run, nullopt where a run has none.
using Row = std::vector<std::optional<Value>>;
using Rows = std::map<std::string, Row>;  // sorted by key

using Items = std::vector<std::pair<std::string, Value>>;

Items params_of(const RunDetails& run) {
  Items items;
  for (const auto& param : run.params) items.emplace_back(param.key, param.value);
  return items;
}

Items final_metrics_of(const RunDetails& run) {
  Items items;
  for (const auto& metric : run.final_metrics) items.emplace_back(metric.key, Value(metric.value));
  return items;
}

// Each key of any run, with its value in every run.
Rows by_key(const std::vector<RunDetails>& runs, Items (*items_of)(const RunDetails&)) {
  Rows rows;
  for (std::size_t index = 0; index < runs.size(); ++index) {
    for (auto& [key, value] : items_of(runs[index])) {
      rows.try_emplace(key, Row(runs.size())).first->second[index].emplace(std::move(value));
    }
  }
  return rows;
}

// Equal in every run, type included (an integer 1 and a real 1.0 differ); missing differs.
bool all_equal(const Row& row) {
  for (const auto& value : row) {
    if (!value || *value != *row.front()) return false;
  }
  return true;
}

Table side_by_side(const std::vector<RunDetails>& runs, const Rows& rows) {
  Table table{{"key"}, {}};
  for (const auto& run : runs) table.columns.push_back(fmt::format("run {}", run.summary.id));
  for (const auto& [key, row] : rows) {
    std::vector<std::string> cells = {key};
    for (const auto& value : row) cells.push_back(value ? table_cell(*value) : "");
    table.rows.push_back(std::move(cells));
  }
  return table;
}

json row_json(const Row& row) {
  json values = json::array();
  for (const auto& value : row) values.push_back(value ? json_value(*value) : json(nullptr));
  return values;
}

void print_json(const std::vector<RunDetails>& runs, const Rows& differing, const Rows& equal, const Rows& metrics) {
  json out{{"runs", json::array()}, {"differing_params", json::object()}, {"equal_params", json::object()},
           {"final_metrics", json::object()}};
  for (const auto& run : runs) {
    out["runs"].push_back({{"id", run.summary.id},
                           {"experiment", run.summary.experiment},
                           {"trial", run.summary.trial},
                           {"kind", storage::kind_name(run.summary.kind)},
                           {"status", storage::status_name(run.summary.status)}});
  }
  for (const auto& [key, row] : differing) out["differing_params"][key] = row_json(row);
  for (const auto& [key, row] : equal) out["equal_params"][key] = json_value(*row.front());
  for (const auto& [key, row] : metrics) out["final_metrics"][key] = row_json(row);
  std::cout << out.dump(2) << '\n';
}

void print_tables(const std::vector<RunDetails>& runs, const Rows& differing, const Rows& equal, const Rows& metrics) {
  // An lr_find run's metrics (lr_find.*) are not a training result: say which runs are which.
  std::string other_kinds;
  for (const auto& run : runs) {
    if (run.summary.kind == storage::RunKind::Train) continue;
    other_kinds += fmt::format("{}run {} is an {} run", other_kinds.empty() ? "" : ", ", run.summary.id,
                               storage::kind_name(run.summary.kind));
  }
  if (!other_kinds.empty()) std::cout << "note: " << other_kinds << " (graft lr-find), not a training run\n\n";
  if (differing.empty()) {
    std::cout << fmt::format("params: all {} equal\n", equal.size());
  } else {
    std::cout << fmt::format("params that differ ({} equal in every run, hidden)\n", equal.size());
    print_table(std::cout, side_by_side(runs, differing));
  }
  std::cout << '\n';
  if (metrics.empty()) {
    std::cout << "final metrics: none\n";
  } else {
    std::cout << "final metrics\n";
    print_table(std::cout, side_by_side(runs, metrics));
  }
}

// ---- grouped form ----------------------------------------------------------------------------

// One row per group and metric: a few metrics stay readable, however many groups there are.
Table grouped_table(const GroupedComparison& comparison, bool exact) {
  Table table{comparison.group_by, {}};
  const std::vector<std::string> stats_columns =
      exact ? std::vector<std::string>{"metric", "n", "mean", "std", "min", "max"}
            : std::vector<std::string>{"metric", "n", "mean ± std", "min", "max"};
  table.columns.insert(table.columns.end(), stats_columns.begin(), stats_columns.end());
  const auto number = [exact](double value) { return exact ? csv_cell(Value(value)) : format_number(value); };
  for (const auto& group : comparison.groups) {
    for (const auto& key : comparison.metrics) {
      std::vector<std::string> row;
      for (const auto& value : group.values) row.push_back(exact ? csv_cell(value) : group_value_text(value));
      row.push_back(key);
      const auto stats = group.metrics.find(key);
      if (stats == group.metrics.end()) {
        row.push_back("0");  // no run of the group has it: n = 0, nothing else
        row.resize(table.columns.size());
      } else if (exact) {
        const MetricStats& s = stats->second;
        row.insert(row.end(), {std::to_string(s.n), number(s.mean), s.std ? number(*s.std) : "", number(s.min),
                               number(s.max)});
      } else {
        const MetricStats& s = stats->second;
        row.insert(row.end(), {std::to_string(s.n), mean_and_std(s), number(s.min), number(s.max)});
      }
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

void run_grouped(const CompareOptions& options, Context& context) {
  if (!options.runs.empty()) {
    throw InputError("give run ids or --experiment, not both (run ids compare runs side by side; --experiment groups "
                     "an experiment's runs)");
  }
  const storage::Store store = open_store_for_reading(context);
  const auto comparison = compare_groups(completed_runs(store, options.experiment), options.experiment,
                                         options.group_by, options.metrics);
  if (options.format == Format::Json) {
    std::cout << comparison_json(comparison).dump(2) << '\n';
  } else if (options.format == Format::Csv) {
    print_csv(std::cout, grouped_table(comparison, /*exact=*/true));
  } else {
    std::size_t runs = 0;
    for (const auto& group : comparison.groups) runs += group.run_ids.size();
    std::cout << fmt::format("{}: {} completed run(s) in {} group(s){}\n", comparison.experiment, runs,
                             comparison.groups.size(),
                             comparison.group_by.empty() ? "" : " by " + host::join(comparison.group_by));
    print_table(std::cout, grouped_table(comparison, /*exact=*/false));
  }
  context.exit_status = 0;
}

// ---- run-id form -----------------------------------------------------------------------------

void run_compare(const CompareOptions& options, Context& context) {
  if (!options.experiment.empty()) return run_grouped(options, context);
  if (!options.group_by.empty() || !options.metrics.empty()) {
    throw InputError("--group-by and --metric need --experiment NAME");
  }
  if (options.format == Format::Csv) throw InputError("--csv needs --experiment NAME (run ids compare as a table or --json)");
  if (options.runs.size() < 2) throw InputError("compare needs at least two run ids (see `graft runs`)");
  std::set<std::int64_t> seen;
  for (std::int64_t id : options.runs) {
    if (!seen.insert(id).second) throw InputError(fmt::format("run {} is given twice; compare each run once", id));
  }

  const storage::Store store = open_store_for_reading(context);
  std::vector<RunDetails> runs;
  for (std::int64_t id : options.runs) {
    const auto run = store.get_run(id);
    runs.push_back(require_run(run, id, store));
  }

  Rows differing, equal;
  for (auto& [key, row] : by_key(runs, &params_of)) (all_equal(row) ? equal : differing).emplace(key, std::move(row));
  const Rows metrics = by_key(runs, &final_metrics_of);

  if (options.format == Format::Json) {
    print_json(runs, differing, equal, metrics);
  } else {
    print_tables(runs, differing, equal, metrics);
  }
  context.exit_status = 0;
}

}  // namespace

void add_compare_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare runs: the params that differ and final metrics side by side, or an experiment's runs grouped");
  compare->add_option("runs", options->runs, "Two or more run ids (see `graft runs`)");
  compare->add_option("--experiment", options->experiment,
                      "Group the completed runs of this experiment: mean ± std, min, max and n per group");
  compare->add_option("--group-by", options->group_by, "Param keys to group by, e.g. train.lr,strategy.plugin "
                                                       "(default: the params that differ, except the seed)")
      ->delimiter(',');
  compare->add_option("--metric", options->metrics,
                      "Metric to summarise (repeatable; default: best.val.accuracy, best.test.accuracy, "
                      "best.test.macro_f1)");
  add_format_flags(*compare, options->format);
  compare->callback([options, &context] { run_compare(*options, context); });
}

}  // namespace graft::cli
