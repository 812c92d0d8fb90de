// `graft runs`: one line per run of the results store, newest last, with the final accuracies
// people look at first (and the run's kind when the listing holds `graft lr-find` runs). --filter, --sort and --limit choose and order them (grammar:
// docs/querying.md; compiled to bound SQL by the store).
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/errors.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;
using storage::RunSummary;

// The final metrics shown beside each run, in column order: the last epoch's test and
// validation accuracy, and the headline figure, the test accuracy of the best checkpoint (which
// the engine records when a run ends; docs/experiments.md).
const std::vector<std::string> kShownMetrics = {"test.accuracy", "val.accuracy", "best.test.accuracy"};

struct RunsOptions {
  std::string experiment;  // --experiment; empty: all
  std::string status;      // --status; empty: all
  std::string filter;      // --filter EXPR
  std::string sort;        // --sort KEY
  std::optional<std::int64_t> limit;
  Format format = Format::Table;
};

using FinalValues = std::map<std::int64_t, std::map<std::string, double>>;

std::optional<double> final_value(const FinalValues& values, std::int64_t run, const std::string& key) {
  const auto of_run = values.find(run);
  if (of_run == values.end()) return std::nullopt;
  const auto value = of_run->second.find(key);
  if (value == of_run->second.end()) return std::nullopt;
  return value->second;
}

void print_json(const std::vector<RunSummary>& runs, const FinalValues& values) {
  json out = json::array();
  for (const RunSummary& run : runs) {
    json item = summary_json(run);
    json final_metrics = json::object();
    for (const auto& key : kShownMetrics) final_metrics[key] = json_number(final_value(values, run.id, key));
    item["final_metrics"] = final_metrics;
    out.push_back(item);
  }
  std::cout << out.dump(2) << '\n';
}

// Listings that hold runs of another kind than training (`graft lr-find`) get a `kind` column
// after the trial; listings of training runs only keep the columns they always had.
bool mixed_kinds(const std::vector<RunSummary>& runs) {
  return std::any_of(runs.begin(), runs.end(),
                     [](const RunSummary& run) { return run.kind != storage::RunKind::Train; });
}

void print_csv_rows(const std::vector<RunSummary>& runs, const FinalValues& values) {
  const bool kinds = mixed_kinds(runs);
  Table table{{"id", "experiment", "trial", "status", "seed", "started_at", "ended_at", "duration_s"}, {}};
  if (kinds) table.columns.insert(table.columns.begin() + 3, "kind");
  table.columns.insert(table.columns.end(), kShownMetrics.begin(), kShownMetrics.end());
  const auto exact = [](const std::optional<double>& number) {
    return number ? storage::to_text(storage::Value(*number)) : std::string();
  };
  for (const RunSummary& run : runs) {
    std::vector<std::string> row = {std::to_string(run.id),  run.experiment,          run.trial,
                                    storage::status_name(run.status), std::to_string(run.seed),
                                    exact(run.started_at),   exact(run.ended_at),     exact(duration_of(run))};
    if (kinds) row.insert(row.begin() + 3, storage::kind_name(run.kind));
    for (const auto& key : kShownMetrics) row.push_back(exact(final_value(values, run.id, key)));
    table.rows.push_back(std::move(row));
  }
  print_csv(std::cout, table);
}

void print_people_table(const std::vector<RunSummary>& runs, const FinalValues& values) {
  const bool kinds = mixed_kinds(runs);
  Table table{{"id", "experiment", "trial", "status", "seed", "started", "duration"}, {}};
  if (kinds) table.columns.insert(table.columns.begin() + 3, "kind");
  table.columns.insert(table.columns.end(), kShownMetrics.begin(), kShownMetrics.end());
  for (const RunSummary& run : runs) {
    const auto duration = duration_of(run);
    std::vector<std::string> row = {std::to_string(run.id), run.experiment, run.trial,
                                    storage::status_name(run.status), std::to_string(run.seed),
                                    format_time(run.started_at), duration ? format_duration(*duration) : ""};
    if (kinds) row.insert(row.begin() + 3, storage::kind_name(run.kind));
    for (const auto& key : kShownMetrics) {
      const auto value = final_value(values, run.id, key);
      row.push_back(value ? format_number(*value) : "");
    }
    table.rows.push_back(std::move(row));
  }
  print_table(std::cout, table);
}

void run_runs(const RunsOptions& options, Context& context) {
  const storage::RunFilter filter = run_filter(options.experiment, options.status);  // bad input first, before the file
  const storage::Store store = open_store_for_reading(context);
  const std::vector<RunSummary> runs = store.find_runs({filter, options.filter, options.sort, options.limit});
  if (runs.empty() && filter.experiment) require_experiment(store, *filter.experiment);
  const FinalValues values = store.final_values(kShownMetrics, filter);

  if (options.format == Format::Json) {
    print_json(runs, values);
  } else if (options.format == Format::Csv) {
    print_csv_rows(runs, values);
  } else if (runs.empty()) {
    const bool chosen = filter.experiment || filter.status || !options.filter.empty();
    std::cout << fmt::format("no {}runs in {}\n", chosen ? "matching " : "",
                             store.path().string());
  } else {
    print_people_table(runs, values);
  }
  context.exit_status = 0;
}

}  // namespace

void add_runs_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<RunsOptions>();
  CLI::App* runs = app.add_subcommand("runs", "List the runs in the results store");
  runs->add_option("--experiment", options->experiment, "Only runs of this experiment");
  runs->add_option("--status", options->status, "Only runs with this status: " + host::join(status_names(), ", "));
  runs->add_option("--filter", options->filter,
                   "Only runs matching EXPR, e.g. \"metrics.test.accuracy > 0.9 and params.train.lr = 3e-4\" "
                   "(docs/querying.md)");
  runs->add_option("--sort", options->sort, "Order by KEY (metrics.KEY, params.KEY, status, ...); -KEY or "
                                            "\"KEY desc\" for descending");
  runs->add_option("--limit", options->limit, "At most N runs")->check(CLI::NonNegativeNumber);
  add_format_flags(*runs, options->format);
  runs->callback([options, &context] {
    try {
      run_runs(*options, context);
    } catch (const storage::FilterError& error) {
      std::cerr << error.what() << '\n';  // already "filter: error at column N: ..."
      context.exit_status = 2;
    }
  });
}

}  // namespace graft::cli
