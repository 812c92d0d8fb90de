#pragma once
// Runs of one experiment grouped by the values of some params (the sweep axes, typically), with
// mean, sample standard deviation, min and max of metrics over each group's repeats. Shared by
// `graft compare --experiment` and `graft report`. Only completed training runs count: a failed or
// interrupted run's metrics would drag a group's mean toward where it stopped.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graft/storage/store.hpp"

namespace graft::cli {

// The headline metrics (docs/experiments.md): what compare shows unless told otherwise.
const std::vector<std::string>& default_comparison_metrics();

struct MetricStats {
  std::size_t n = 0;
  double mean = 0;
  std::optional<double> std;  // sample standard deviation (n - 1); none for a single run
  double min = 0;
  double max = 0;
};

struct RunGroup {
  std::vector<storage::Value> values;           // one per group-by key; null when the runs lack it
  std::vector<std::int64_t> run_ids;
  std::map<std::string, MetricStats> metrics;   // by key; a metric no run of the group has is absent
};

struct GroupedComparison {
  std::string experiment;
  std::vector<std::string> group_by;
  std::vector<std::string> metrics;
  std::vector<RunGroup> groups;                 // sorted by their values
};

// The params whose values differ between the completed runs of `runs`, except the seed: what a
// sweep varied, and the default grouping.
std::vector<std::string> differing_params(const std::vector<storage::RunDetails>& runs);

// The completed training runs of `experiment` (runs of kind train: `graft lr-find` runs are left
// out), in full. Throws InputError when the experiment does not exist or has no such run.
std::vector<storage::RunDetails> completed_runs(const storage::Store& store, const std::string& experiment);

// Groups `runs` (completed_runs) by `group_by` (empty: differing_params) and summarises `metrics`
// (empty: those of default_comparison_metrics() the runs have). Throws InputError for a key or
// metric no run has, naming the near miss and the keys there are.
GroupedComparison compare_groups(const std::vector<storage::RunDetails>& runs, const std::string& experiment,
                                 std::vector<std::string> group_by, std::vector<std::string> metrics);

// A group's value of one group-by key for people: as table_cell, "(none)" when its runs lack it.
std::string group_value_text(const storage::Value& value);
// "lr=0.001, strategy=full" (the same short names as trial names would be nice, but the keys are
// what --group-by takes); "all runs" when nothing is grouped.
std::string group_label(const GroupedComparison& comparison, const RunGroup& group);
// "0.9134 ± 0.0041" (format_mean_spread), or "0.913417" for a single run.
std::string mean_and_std(const MetricStats& stats);

nlohmann::json comparison_json(const GroupedComparison& comparison);

}  // namespace graft::cli
