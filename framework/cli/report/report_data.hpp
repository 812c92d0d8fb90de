#pragma once
// What `graft report` shows, gathered from the store as one JSON document, which the page embeds
// and its script draws from (report_page.hpp). Only completed runs, as in grouped comparisons;
// `graft lr-find` runs have a section of their own.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graft/storage/store.hpp"

namespace graft::cli::report {

// {
//   "experiment", "store", "generated" (local time text),
//   "group_by": [KEY...], "groups": [LABEL...],
//   "runs": [{"id", "trial", "group" (index into groups),
//             "epochs": {METRIC: [[epoch (1-based), value]...]}, "lr": [[step, value]...]}],
//   "curves": [METRIC...]        the per-epoch metrics to chart, losses first
//   "comparison": comparison_json(...),
//   "differing": {"keys": [KEY...], "rows": [{"id", "trial", "values": [VALUE...]}]},
//   "lr_find": [{"id", "trial", "lr": [...], "loss": [...], "smoothed": [...] (by step, null for NaN),
//                "suggestions": {"valley", "steep", "minimum"} (null when none), "stopped"}]
// }
// "runs", "groups" and the comparison hold completed training runs only; "lr_find" the completed
// `graft lr-find` runs. An experiment with lr_find runs only has empty runs, groups and curves,
// and null comparison and differing.
// Throws InputError when the experiment does not exist or has no completed run of either kind,
// or a group-by key is unknown.
nlohmann::json report_data(const storage::Store& store, const std::string& experiment,
                           const std::vector<std::string>& group_by);

}  // namespace graft::cli::report
