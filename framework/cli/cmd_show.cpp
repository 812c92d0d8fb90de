// `graft show RUN`: everything the store knows about one run: what it was (header, params,
// plugins), how it went (final metrics, one row per epoch) and what it left (artifacts).
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "graft/storage/epoch_numbers.hpp"

namespace graft::cli {
namespace {

using nlohmann::json;
using storage::RunDetails;

// Hashes are shown to this many hex digits in tables: enough to tell files apart at a glance.
constexpr std::size_t kShortHash = 12;

struct ShowOptions {
  std::int64_t run = 0;
  Format format = Format::Table;
};

std::string short_hash(const std::string& sha256) { return sha256.substr(0, kShortHash); }

// "title" and its table, or "title: none" when it is empty.
void print_section(const std::string& title, const Table& table) {
  std::cout << '\n';
  if (table.rows.empty()) {
    std::cout << title << ": none\n";
    return;
  }
  std::cout << title << '\n';
  print_table(std::cout, table);
}

void print_header(const RunDetails& run) {
  const auto& summary = run.summary;
  std::vector<std::pair<std::string, std::string>> fields = {
      {"run", std::to_string(summary.id)},
      {"experiment", summary.experiment},
      {"trial", summary.trial},
      {"kind", storage::kind_name(summary.kind)},
      {"status", storage::status_name(summary.status)},
      {"seed", std::to_string(summary.seed)},
      {"host", fmt::format("{} (pid {})", summary.host, summary.pid)},
      {"started", format_time(summary.started_at)},
  };
  if (summary.ended_at) {
    fields.emplace_back("ended", fmt::format("{} (took {})", format_time(*summary.ended_at),
                                             format_duration(*summary.ended_at - summary.started_at)));
  } else if (summary.heartbeat_at) {
    // A run that still says "running" but whose heartbeat is old was most likely killed.
    fields.emplace_back("heartbeat", format_time(*summary.heartbeat_at));
  }
  fields.emplace_back("config", "sha256 " + short_hash(run.config_hash));
  if (!summary.error.empty()) fields.emplace_back("error", summary.error);
  for (const auto& [label, value] : fields) std::cout << fmt::format("{:<12}{}\n", label, value);
}

Table params_table(const RunDetails& run) {
  Table table{{"key", "value"}, {}};
  for (const auto& param : run.params) table.rows.push_back({param.key, table_cell(param.value)});
  return table;
}

Table final_metrics_table(const RunDetails& run) {
  Table table{{"key", "value", "step", "epoch"}, {}};
  for (const auto& metric : run.final_metrics) {
    table.rows.push_back({metric.key, format_number(storage::metric_for_people(metric.key, metric.value)),
                          std::to_string(metric.step),
                          metric.epoch ? std::to_string(storage::epoch_for_people(*metric.epoch)) : ""});
  }
  return table;
}

// One row per epoch, one column per metric key that any epoch has.
Table epochs_table(const RunDetails& run) {
  std::set<std::string> keys;
  for (const auto& epoch : run.epochs) {
    for (const auto& metric : epoch.metrics) keys.insert(metric.first);
  }
  Table table{{"epoch"}, {}};
  table.columns.insert(table.columns.end(), keys.begin(), keys.end());
  for (const auto& epoch : run.epochs) {
    std::vector<std::string> row(table.columns.size());
    row[0] = std::to_string(storage::epoch_for_people(epoch.epoch));
    for (const auto& [key, value] : epoch.metrics) {
      row[static_cast<std::size_t>(std::distance(keys.begin(), keys.find(key))) + 1] = format_number(value);
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table plugins_table(const RunDetails& run) {
  Table table{{"kind", "name", "version", "sha256", "path"}, {}};
  for (const auto& plugin : run.plugins) {
    table.rows.push_back({plugin.kind, plugin.name, plugin.version, short_hash(plugin.sha256), plugin.path});
  }
  return table;
}

Table artifacts_table(const RunDetails& run) {
  Table table{{"name", "size", "sha256", "path"}, {}};
  for (const auto& artifact : run.artifacts) {
    table.rows.push_back({artifact.name, format_bytes(artifact.bytes), short_hash(artifact.sha256), artifact.path});
  }
  return table;
}

json details_json(const RunDetails& run) {
  json out = summary_json(run.summary);
  out["config_hash"] = run.config_hash;
  out["config_toml"] = run.config_toml;
  json params = json::object();
  for (const auto& param : run.params) params[param.key] = json_value(param.value);
  out["params"] = params;
  json final_metrics = json::object();
  for (const auto& metric : run.final_metrics) {
    final_metrics[metric.key] = {{"value", json_number(metric.value)},
                                 {"step", metric.step},
                                 {"epoch", metric.epoch ? json(*metric.epoch) : json(nullptr)}};
  }
  out["final_metrics"] = final_metrics;
  json epochs = json::array();
  for (const auto& epoch : run.epochs) {
    json metrics = json::object();
    for (const auto& [key, value] : epoch.metrics) metrics[key] = json_number(value);
    epochs.push_back({{"epoch", epoch.epoch}, {"metrics", metrics}});
  }
  out["epochs"] = epochs;
  json plugins = json::array();
  for (const auto& plugin : run.plugins) {
    plugins.push_back({{"kind", plugin.kind}, {"name", plugin.name}, {"version", plugin.version},
                       {"path", plugin.path}, {"sha256", plugin.sha256}});
  }
  out["plugins"] = plugins;
  json artifacts = json::array();
  for (const auto& artifact : run.artifacts) {
    artifacts.push_back({{"name", artifact.name}, {"path", artifact.path}, {"sha256", artifact.sha256},
                         {"bytes", artifact.bytes}});
  }
  out["artifacts"] = artifacts;
  return out;
}

void run_show(const ShowOptions& options, Context& context) {
  const storage::Store store = open_store_for_reading(context);
  const auto details = store.get_run(options.run);
  const RunDetails& run = require_run(details, options.run, store);
  if (options.format == Format::Json) {
    std::cout << details_json(run).dump(2) << '\n';
  } else {
    print_header(run);
    print_section("params", params_table(run));
    print_section("final metrics", final_metrics_table(run));
    print_section("epochs", epochs_table(run));
    print_section("plugins", plugins_table(run));
    print_section("artifacts", artifacts_table(run));
  }
  context.exit_status = 0;
}

}  // namespace

void add_show_command(CLI::App& app, Context& context) {
  auto options = std::make_shared<ShowOptions>();
  CLI::App* show = app.add_subcommand("show", "Show one run: params, metrics per epoch, plugins, artifacts");
  show->add_option("run", options->run, "Run id (see `graft runs`)")->required();
  add_format_flags(*show, options->format, /*csv=*/false);
  show->callback([options, &context] { run_show(*options, context); });
}

}  // namespace graft::cli
