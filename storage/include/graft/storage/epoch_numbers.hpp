#pragma once
// One epoch convention. The store counts epochs from 0: the `epoch` column of `metrics`, and the
// values of the metrics that name an epoch (`best.epoch`, `early_stopping.epoch`), as documented
// in docs/querying.md. People count from 1: every table, log line and chart graft prints calls
// the first epoch "epoch 1". Machine-readable output (`--json`, `export`, `query`) keeps the
// store's numbers, so that it joins with the store's rows.
#include <cstdint>
#include <string_view>

namespace graft::storage {

constexpr std::int64_t epoch_for_people(std::int64_t stored_epoch) { return stored_epoch + 1; }

// `best.epoch`, `early_stopping.epoch`: a metric whose value is an epoch number.
constexpr bool names_an_epoch(std::string_view metric_key) {
  constexpr std::string_view suffix = ".epoch";
  return metric_key.size() >= suffix.size() && metric_key.substr(metric_key.size() - suffix.size()) == suffix;
}

// The value of a metric as people read it.
constexpr double metric_for_people(std::string_view metric_key, double value) {
  return names_an_epoch(metric_key) ? value + 1 : value;
}

}  // namespace graft::storage
