#include "report_data.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "grouped_comparison.hpp"
#include "output.hpp"
#include "store_output.hpp"

namespace graft::cli::report {
namespace {

using nlohmann::json;
using storage::RunDetails;

// Per-epoch metrics of every run, as [epoch, value] pairs (epochs counted from 1, as people do).
json epoch_series(const RunDetails& run) {
  json series = json::object();
  for (const auto& epoch : run.epochs) {
    for (const auto& [key, value] : epoch.metrics) {
      if (key == "lr") continue;  // drawn per step in its own chart
      series[key].push_back(json::array({epoch.epoch + 1, json_number(value)}));
    }
  }
  return series;
}

json lr_series(const storage::Store& store, std::int64_t run_id) {
  json points = json::array();
  for (const auto& point : store.metric_series(run_id, "lr")) points.push_back(json::array({point.step, point.value}));
  return points;
}

// Losses first (they fall), then the rest (they rise), each group alphabetical.
std::vector<std::string> curve_keys(const std::vector<RunDetails>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& epoch : run.epochs)
      for (const auto& [key, value] : epoch.metrics)
        if (key != "lr") keys.insert(key);
  std::vector<std::string> ordered(keys.begin(), keys.end());
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const std::string& key) { return key.find("loss") != std::string::npos; });
  return ordered;
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

}  // namespace

json report_data(const storage::Store& store, const std::string& experiment, const std::vector<std::string>& group_by) {
  const std::vector<RunDetails> runs = completed_runs(store, experiment);
  const GroupedComparison comparison = compare_groups(runs, experiment, group_by, {});

  json data{{"experiment", experiment}, {"store", store.path().string()}, {"group_by", comparison.group_by}};
  const auto now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  data["generated"] = format_time(now);
  data["groups"] = json::array();
  for (const auto& group : comparison.groups) data["groups"].push_back(group_label(comparison, group));

  data["runs"] = json::array();
  for (const auto& run : runs) {
    std::size_t group = 0;
    for (std::size_t index = 0; index < comparison.groups.size(); ++index) {
      const auto& ids = comparison.groups[index].run_ids;
      if (std::find(ids.begin(), ids.end(), run.summary.id) != ids.end()) group = index;
    }
    data["runs"].push_back({{"id", run.summary.id},
                            {"trial", run.summary.trial},
                            {"group", group},
                            {"epochs", epoch_series(run)},
                            {"lr", lr_series(store, run.summary.id)}});
  }
  data["curves"] = curve_keys(runs);
  data["comparison"] = comparison_json(comparison);
  data["differing"] = differing_table(runs);
  return data;
}

}  // namespace graft::cli::report
