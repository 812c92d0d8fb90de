#include "cli/report/metric_order.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace graft::cli::report {
namespace {

// "task/coarse/val.loss" -> "val.loss": the metric without its task.
std::string without_task(const std::string& key) {
  const auto slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

bool starts_with(const std::string& text, const std::string& head) { return text.rfind(head, 0) == 0; }

}  // namespace

std::vector<std::string> curve_order(std::vector<std::string> keys) {
  const auto rank = [](const std::string& key) {
    const std::string metric = without_task(key);
    const bool learning = starts_with(metric, "train.") || starts_with(metric, "val.");
    const bool loss = metric.find("loss") != std::string::npos;
    return std::make_tuple(!learning, !loss, metric != key, key);
  };
  std::sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  return keys;
}

ReportedMetrics reported_metrics(const std::vector<storage::RunDetails>& runs) {
  std::set<std::string> keys, repeated;
  for (const auto& run : runs) {
    std::map<std::string, int> epochs_of;
    for (const auto& epoch : run.epochs) {
      for (const auto& [key, value] : epoch.metrics) {
        if (key == "lr") continue;
        keys.insert(key);
        if (++epochs_of[key] > 1) repeated.insert(key);
      }
    }
  }
  ReportedMetrics reported;
  for (const auto& key : keys) (repeated.count(key) ? reported.curves : reported.once).push_back(key);
  reported.curves = curve_order(std::move(reported.curves));
  reported.once = curve_order(std::move(reported.once));
  return reported;
}

}  // namespace graft::cli::report
