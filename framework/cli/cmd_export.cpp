// `graft export --experiment NAME (--csv|--json)`: one row per run (every status and kind: the
// `kind` column tells `graft lr-find` runs from training runs), with the run's attributes, every
// param and every final metric: for spreadsheets, pandas and R.
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;
using storage::RunDetails;

struct ExportOptions {
  std::string experiment;
  Format format = Format::Table;  // Table means neither flag was given
};

std::vector<RunDetails> runs_of(const storage::Store& store, const std::string& experiment) {
  require_experiment(store, experiment);
  storage::RunFilter filter;
  filter.experiment = experiment;
  std::vector<RunDetails> runs;
  for (const auto& summary : store.list_runs(filter)) {
    if (auto run = store.get_run(summary.id)) runs.push_back(std::move(*run));
  }
  return runs;
}

// Columns: run attributes, then params.KEY and metrics.KEY for every key any run has, sorted.
void print_csv_rows(const std::vector<RunDetails>& runs) {
  std::set<std::string> param_keys, metric_keys;
  for (const auto& run : runs) {
    for (const auto& param : run.params) param_keys.insert(param.key);
    for (const auto& metric : run.final_metrics) metric_keys.insert(metric.key);
  }
  Table table{{"id", "experiment", "trial", "kind", "status", "seed", "started_at", "ended_at", "duration_s"}, {}};
  for (const auto& key : param_keys) table.columns.push_back("params." + key);
  for (const auto& key : metric_keys) table.columns.push_back("metrics." + key);
  const auto exact = [](const std::optional<double>& number) {
    return number ? csv_cell(storage::Value(*number)) : std::string();
  };
  for (const auto& run : runs) {
    const auto& s = run.summary;
    std::vector<std::string> row = {std::to_string(s.id), s.experiment, s.trial, storage::kind_name(s.kind),
                                    storage::status_name(s.status),
                                    std::to_string(s.seed), exact(s.started_at), exact(s.ended_at),
                                    exact(duration_of(s))};
    for (const auto& key : param_keys) {
      std::string cell;
      for (const auto& param : run.params)
        if (param.key == key) cell = csv_cell(param.value);
      row.push_back(cell);
    }
    for (const auto& key : metric_keys) {
      std::optional<double> value;
      for (const auto& metric : run.final_metrics)
        if (metric.key == key) value = metric.value;
      row.push_back(exact(value));
    }
    table.rows.push_back(std::move(row));
  }
  print_csv(std::cout, table);
}

void print_json(const std::vector<RunDetails>& runs) {
  json out = json::array();
  for (const auto& run : runs) {
    json item = summary_json(run.summary);
    json params = json::object(), metrics = json::object();
    for (const auto& param : run.params) params[param.key] = json_value(param.value);
    for (const auto& metric : run.final_metrics) metrics[metric.key] = json_number(metric.value);
    item["params"] = params;
    item["metrics"] = metrics;
    out.push_back(item);
  }
  std::cout << out.dump(2) << '\n';
}

void run_export(const ExportOptions& options, Context& context) {
  if (options.format == Format::Table) throw InputError("export writes --csv or --json; give one of them");
  const storage::Store store = open_store_for_reading(context);
  const auto runs = runs_of(store, options.experiment);
  if (options.format == Format::Csv) {
    print_csv_rows(runs);
  } else {
    print_json(runs);
  }
  context.exit_status = 0;
}

}  // namespace

void add_export_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* command = app.add_subcommand("export", "Export an experiment's runs, one row each with params and final metrics");
  command->add_option("--experiment", options->experiment, "The experiment to export")->required();
  add_format_flags(*command, options->format);
  command->callback([options, &context] { run_export(*options, context); });
}

}  // namespace graft::cli
