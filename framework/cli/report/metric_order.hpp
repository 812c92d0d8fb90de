#pragma once
// Which per-epoch metrics `graft report` draws as learning curves, in which order, and which it
// shows in a table because each run recorded them once.
#include <string>
#include <vector>

#include "graft/storage/store.hpp"

namespace graft::cli::report {

struct ReportedMetrics {
  std::vector<std::string> curves;  // some run recorded it at 2 or more epochs: a chart each
  std::vector<std::string> once;    // every run recorded it at most once (the test split, measured
                                    // with the best checkpoint): a lone dot per run, so a table
};

// The order people read a training by: train.* and val.* (a task's too, as in
// "task/coarse/val.loss") before the rest, which would otherwise lead alphabetically
// ("early_stopping...", "test.loss"); within each, losses first, the main task before the
// other tasks, then alphabetical.
std::vector<std::string> curve_order(std::vector<std::string> keys);

// The per-epoch metrics of `runs` but `lr` (drawn per step on its own), split and each part in
// curve_order.
ReportedMetrics reported_metrics(const std::vector<storage::RunDetails>& runs);

}  // namespace graft::cli::report
