// `graft compare RUN RUN...`: what differs between runs (their params) and how that turned out
// (their final metrics), side by side. Params equal in every run are hidden and counted.
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

#include "command.hpp"
#include "graft/errors.hpp"
#include "output.hpp"
#include "store_output.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;
using storage::RunDetails;
using storage::Value;

struct CompareOptions {
  std::vector<std::int64_t> runs;
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
                           {"status", storage::status_name(run.summary.status)}});
  }
  for (const auto& [key, row] : differing) out["differing_params"][key] = row_json(row);
  for (const auto& [key, row] : equal) out["equal_params"][key] = json_value(*row.front());
  for (const auto& [key, row] : metrics) out["final_metrics"][key] = row_json(row);
  std::cout << out.dump(2) << '\n';
}

void print_tables(const std::vector<RunDetails>& runs, const Rows& differing, const Rows& equal, const Rows& metrics) {
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

void run_compare(const CompareOptions& options, Context& context) {
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
  CLI::App* compare = app.add_subcommand("compare", "Compare runs: the params that differ, and final metrics side by side");
  compare->add_option("runs", options->runs, "Two or more run ids (see `graft runs`)")->required();
  add_format_flags(*compare, options->format, /*csv=*/false);
  compare->callback([options, &context] { run_compare(*options, context); });
}

}  // namespace graft::cli
