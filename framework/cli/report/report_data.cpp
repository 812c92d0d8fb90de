#include "cli/report/report_data.hpp"

#include <algorithm>
#include <chrono>

#include "cli/grouped_comparison.hpp"
#include "cli/output.hpp"
#include "cli/report/metric_order.hpp"
#include "cli/report/schedule_lines.hpp"
#include "cli/store_output.hpp"
#include "graft/storage/epoch_numbers.hpp"

namespace graft::cli::report {
namespace {

using nlohmann::json;
using storage::RunDetails;

// A run's per-epoch metrics of `keys`, as [epoch, value] pairs, epochs as people count them.
json epoch_series(const RunDetails& run, const std::vector<std::string>& keys) {
  json series = json::object();
  for (const auto& epoch : run.epochs) {
    for (const auto& [key, value] : epoch.metrics) {
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
      series[key].push_back(json::array({storage::epoch_for_people(epoch.epoch),
                                         json_number(storage::metric_for_people(key, value))}));
    }
  }
  return series;
}

RunSchedule lr_series(const storage::Store& store, const RunDetails& run, std::size_t group) {
  RunSchedule schedule{group, run.summary.id, {}};
  for (const auto& point : store.metric_series(run.summary.id, "lr")) schedule.points.emplace_back(point.step, point.value);
  return schedule;
}

json lr_lines_json(const std::vector<ScheduleLine>& lines) {
  json out = json::array();
  for (const auto& line : lines) {
    json points = json::array();
    for (const auto& [step, value] : line.points) points.push_back(json::array({step, json_number(value)}));
    out.push_back({{"label", line.label}, {"groups", line.groups}, {"runs", line.run_ids}, {"points", points}});
  }
  return out;
}

json differing_table(const std::vector<RunDetails>& runs) {
  json out{{"keys", differing_params(runs)}, {"rows", json::array()}};
  for (const auto& run : runs) {
    json values = json::array();
    for (const auto& key : out["keys"]) {
      json value = nullptr;
      for (const auto& param : run.params)
        if (param.key == key.get<std::string>()) value = json_value(param.value);
      values.push_back(value);
    }
    out["rows"].push_back({{"id", run.summary.id}, {"trial", run.summary.trial}, {"values", values}});
  }
  return out;
}

// One `graft lr-find` run: its curve by step, its suggestions and how it stopped.
json lr_find_run(const storage::Store& store, const RunDetails& run) {
  const std::int64_t id = run.summary.id;
  json out{{"id", id}, {"trial", run.summary.trial}, {"lr", json::array()}, {"loss", json::array()},
           {"smoothed", json::array()}, {"suggestions", json::object()}};
  for (const auto& [series, key] : {std::pair<const char*, const char*>{"lr", "lr_find.lr"},
                                    {"loss", "lr_find.loss"},
                                    {"smoothed", "lr_find.smoothed_loss"}}) {
    for (const auto& point : store.metric_series(id, key)) out[series].push_back(json_number(point.value));
  }
  for (const char* name : {"valley", "steep", "minimum"}) {
    json value = nullptr;
    for (const auto& metric : run.final_metrics)
      if (metric.key == std::string("lr_find.suggestion.") + name) value = json_number(metric.value);
    out["suggestions"][name] = value;
  }
  out["stopped"] = run.summary.error.empty() ? "completed" : run.summary.error;
  return out;
}

}  // namespace

json report_data(const storage::Store& store, const std::string& experiment, const std::vector<std::string>& group_by) {
  require_experiment(store, experiment);
  storage::RunFilter completed;
  completed.experiment = experiment;
  completed.status = storage::RunStatus::Completed;
  bool training = false;
  json lr_find = json::array();
  for (const auto& summary : store.list_runs(completed)) {
    if (summary.kind == storage::RunKind::Train) {
      training = true;
    } else if (summary.kind == storage::RunKind::LrFind) {
      if (const auto run = store.get_run(summary.id)) lr_find.push_back(lr_find_run(store, *run));
    }
  }

  json data{{"experiment", experiment}, {"store", store.path().string()}, {"lr_find", lr_find}};
  const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  data["generated"] = format_time(now);
  if (!training && !lr_find.empty()) {
    // Only LR range tests so far: their charts, and no comparison.
    data["group_by"] = json::array();
    data["groups"] = json::array();
    data["runs"] = json::array();
    data["curves"] = json::array();
    data["once"] = json::array();
    data["lr_lines"] = json::array();
    data["comparison"] = nullptr;
    data["differing"] = nullptr;
    return data;
  }
  const std::vector<RunDetails> runs = completed_runs(store, experiment);
  const GroupedComparison comparison = compare_groups(runs, experiment, group_by, {});
  data["group_by"] = comparison.group_by;
  data["groups"] = json::array();
  for (const auto& group : comparison.groups) data["groups"].push_back(group_label(comparison, group));

  const ReportedMetrics metrics = reported_metrics(runs);
  data["runs"] = json::array();
  std::vector<RunSchedule> schedules;
  for (const auto& run : runs) {
    std::size_t group = 0;
    for (std::size_t index = 0; index < comparison.groups.size(); ++index) {
      const auto& ids = comparison.groups[index].run_ids;
      if (std::find(ids.begin(), ids.end(), run.summary.id) != ids.end()) group = index;
    }
    data["runs"].push_back({{"id", run.summary.id},
                            {"trial", run.summary.trial},
                            {"group", group},
                            {"epochs", epoch_series(run, metrics.curves)},
                            {"once", epoch_series(run, metrics.once)}});
    schedules.push_back(lr_series(store, run, group));
  }
  data["curves"] = metrics.curves;
  data["once"] = metrics.once;
  data["lr_lines"] = lr_lines_json(schedule_lines(schedules, data["groups"].get<std::vector<std::string>>()));
  data["comparison"] = comparison_json(comparison);
  data["differing"] = differing_table(runs);
  return data;
}

}  // namespace graft::cli::report
