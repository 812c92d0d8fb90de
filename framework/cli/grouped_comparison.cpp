#include "cli/grouped_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "graft/errors.hpp"
#include "cli/output.hpp"
#include "cli/store_output.hpp"
#include "host/suggest.hpp"

namespace graft::cli {
namespace {

using storage::RunDetails;
using storage::Value;

// Every repeat has its own seed: grouping by it would give groups of one.
bool is_seed(const std::string& key) { return key == "experiment.seed"; }

std::optional<Value> param_of(const RunDetails& run, const std::string& key) {
  for (const auto& param : run.params)
    if (param.key == key) return param.value;
  return std::nullopt;
}

std::optional<double> metric_of(const RunDetails& run, const std::string& key) {
  for (const auto& metric : run.final_metrics)
    if (metric.key == key) return metric.value;
  return std::nullopt;
}

MetricStats stats_of(const std::vector<double>& values) {
  MetricStats stats;
  stats.n = values.size();
  double sum = 0;
  for (double value : values) sum += value;
  stats.mean = sum / static_cast<double>(values.size());
  stats.min = *std::min_element(values.begin(), values.end());
  stats.max = *std::max_element(values.begin(), values.end());
  if (values.size() > 1) {
    double squares = 0;
    for (double value : values) squares += (value - stats.mean) * (value - stats.mean);
    stats.std = std::sqrt(squares / static_cast<double>(values.size() - 1));
  }
  return stats;
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() > tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

// " (did you mean 'X'?)" for a near miss: a known key that starts with what was typed first
// ("best.test.acc" -> "best.test.accuracy", not the closer spelling "best.test.loss"), else the
// nearest by edit distance; "" when nothing is near.
std::string nearest_key(const std::string& typed, const std::vector<std::string>& known) {
  std::vector<std::string> extending;
  for (const auto& key : known)
    if (key.rfind(typed, 0) == 0) extending.push_back(key);
  if (extending.empty()) return host::did_you_mean(typed, known);
  return fmt::format(" (did you mean '{}'?)", *std::min_element(extending.begin(), extending.end(), [](auto& a, auto& b) {
    return a.size() < b.size();
  }));
}

// The key a user typed, as the runs record it: the key itself when a run has it; else the one
// known key it is the dotted tail of ("train_per_class" -> "dataset.train_per_class",
// "test.accuracy" -> "best.test.accuracy"), or whose plugin it names ("strategy" ->
// "strategy.plugin"). Several such keys are ambiguous; none is an error naming the near miss,
// else the keys there are.
std::string resolve_known(const std::vector<RunDetails>& runs, const std::string& key, const char* what,
                          const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), key) != known.end()) return key;
  std::vector<std::string> matches;
  for (const auto& candidate : known)
    if (ends_with(candidate, "." + key) || candidate == key + ".plugin") matches.push_back(candidate);
  if (matches.size() == 1) return matches.front();
  if (matches.size() > 1) {
    throw InputError(fmt::format("{} '{}' is ambiguous: it could be {}; write the whole key", what, key,
                                 host::join(matches)));
  }
  throw InputError(fmt::format("no completed run of experiment '{}' has {} '{}'{}; {}s: {}", runs.front().summary.experiment,
                               what, key, nearest_key(key, known), what, host::join(known)));
}

std::vector<std::string> param_keys(const std::vector<RunDetails>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& param : run.params) keys.insert(param.key);
  return {keys.begin(), keys.end()};
}

std::vector<std::string> metric_keys(const std::vector<RunDetails>& runs) {
  std::set<std::string> keys;
  for (const auto& run : runs)
    for (const auto& metric : run.final_metrics) keys.insert(metric.key);
  return {keys.begin(), keys.end()};
}

nlohmann::json stats_json(const MetricStats& stats) {
  return {{"n", stats.n}, {"mean", stats.mean}, {"std", json_number(stats.std)}, {"min", stats.min}, {"max", stats.max}};
}

}  // namespace

const std::vector<std::string>& default_comparison_metrics() {
  static const std::vector<std::string> metrics = {"best.val.accuracy", "best.test.accuracy", "best.test.macro_f1"};
  return metrics;
}

// The params every run has and not all runs share: a sweep's axes. A key only some runs have
// (a param of one of the swept strategies) follows from an axis (strategy.plugin) and would only
// split its groups by absent values.
std::vector<std::string> differing_params(const std::vector<RunDetails>& runs) {
  std::vector<std::string> differing;
  for (const auto& key : param_keys(runs)) {
    if (is_seed(key)) continue;
    const auto first = param_of(runs.front(), key);
    const bool everywhere =
        std::all_of(runs.begin(), runs.end(), [&](const RunDetails& run) { return param_of(run, key).has_value(); });
    if (everywhere && std::any_of(runs.begin(), runs.end(), [&](const RunDetails& run) { return param_of(run, key) != first; })) {
      differing.push_back(key);
    }
  }
  return differing;
}

std::vector<RunDetails> completed_runs(const storage::Store& store, const std::string& experiment) {
  require_experiment(store, experiment);
  storage::RunFilter filter;
  filter.experiment = experiment;
  filter.status = storage::RunStatus::Completed;
  std::vector<RunDetails> runs;
  std::size_t other_kinds = 0;
  for (const auto& summary : store.list_runs(filter)) {
    // An LR range test trains for a few steps at ever larger rates: its metrics are no result
    // to compare with training runs.
    if (summary.kind != storage::RunKind::Train) {
      ++other_kinds;
      continue;
    }
    if (auto run = store.get_run(summary.id)) runs.push_back(std::move(*run));
  }
  if (runs.empty()) {
    throw InputError(fmt::format("experiment '{}' has no completed {}run yet in {}{} (see `graft runs --experiment {}`)",
                                 experiment, other_kinds ? "training " : "", store.path().string(),
                                 other_kinds ? fmt::format(", only {} lr_find run(s), which are not compared", other_kinds)
                                             : "",
                                 experiment));
  }
  return runs;
}

GroupedComparison compare_groups(const std::vector<RunDetails>& runs, const std::string& experiment,
                                 std::vector<std::string> group_by, std::vector<std::string> metrics) {
  if (group_by.empty()) group_by = differing_params(runs);
  const auto known_params = param_keys(runs), known_metrics = metric_keys(runs);
  if (metrics.empty()) {
    // The defaults that were recorded: a plugin or an older engine may not produce all three.
    for (const auto& key : default_comparison_metrics()) {
      if (std::find(known_metrics.begin(), known_metrics.end(), key) != known_metrics.end()) metrics.push_back(key);
    }
    if (metrics.empty()) {
      throw InputError(fmt::format("the runs of experiment '{}' have none of the default metrics ({}); choose with "
                                   "--metric, from: {}",
                                   experiment, host::join(default_comparison_metrics()), host::join(known_metrics)));
    }
  }
  for (auto& key : group_by) key = resolve_known(runs, key, "param", known_params);
  for (auto& key : metrics) key = resolve_known(runs, key, "metric", known_metrics);

  std::map<std::vector<Value>, std::vector<const RunDetails*>> members;
  for (const auto& run : runs) {
    std::vector<Value> values;
    for (const auto& key : group_by) values.push_back(param_of(run, key).value_or(Value{}));
    members[values].push_back(&run);
  }

  GroupedComparison comparison{experiment, group_by, metrics, {}};
  for (const auto& [values, group_runs] : members) {
    RunGroup group{values, {}, {}};
    for (const auto* run : group_runs) group.run_ids.push_back(run->summary.id);
    for (const auto& key : metrics) {
      std::vector<double> measured;
      for (const auto* run : group_runs)
        if (const auto value = metric_of(*run, key)) measured.push_back(*value);
      if (!measured.empty()) group.metrics.emplace(key, stats_of(measured));
    }
    comparison.groups.push_back(std::move(group));
  }
  return comparison;
}

std::string group_value_text(const Value& value) {
  // "model.pretrained=" reads as a missing word; say that the runs have no value.
  return std::holds_alternative<std::monostate>(value) ? "(none)" : table_cell(value);
}

std::string group_label(const GroupedComparison& comparison, const RunGroup& group) {
  if (comparison.group_by.empty()) return "all runs";
  std::string label;
  for (std::size_t i = 0; i < comparison.group_by.size(); ++i) {
    label += fmt::format("{}{}={}", i == 0 ? "" : ", ", comparison.group_by[i], group_value_text(group.values[i]));
  }
  return label;
}

std::string mean_and_std(const MetricStats& stats) {
  return format_mean_spread(stats.mean, stats.std);
}

nlohmann::json comparison_json(const GroupedComparison& comparison) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& group : comparison.groups) {
    nlohmann::json params = nlohmann::json::object(), metrics = nlohmann::json::object();
    for (std::size_t i = 0; i < comparison.group_by.size(); ++i) params[comparison.group_by[i]] = json_value(group.values[i]);
    for (const auto& [key, stats] : group.metrics) metrics[key] = stats_json(stats);
    groups.push_back({{"label", group_label(comparison, group)}, {"params", params}, {"runs", group.run_ids},
                      {"n", group.run_ids.size()}, {"metrics", metrics}});
  }
  return {{"experiment", comparison.experiment}, {"group_by", comparison.group_by}, {"metrics", comparison.metrics},
          {"groups", groups}};
}

}  // namespace graft::cli
