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
//             "epochs": {CURVE: [[epoch, value]...]}, "once": {ONCE: [[epoch, value]]}}],
//   "curves": [CURVE...]         per-epoch metrics recorded at several epochs, charted, train.* and
//                                val.* first (metric_order.hpp)
//   "once": [ONCE...]            per-epoch metrics each run recorded once (test.*), a table
//   "lr_lines": [{"label", "groups": [INDEX...], "runs": [ID...], "points": [[step, lr]...]}]
//                                one per distinct LR series (schedule_lines.hpp)
//   "comparison": comparison_json(...),
//   "differing": {"keys": [KEY...], "rows": [{"id", "trial", "values": [VALUE...]}]},
//   "lr_find": [{"id", "trial", "lr": [...], "loss": [...], "smoothed": [...] (by step, null for NaN),
//                "suggestions": {"valley", "steep", "minimum"} (null when none), "stopped"}]
// }
// Epochs are counted from 1 (storage::epoch_for_people), as are values that name an epoch.
// "runs", "groups" and the comparison hold completed training runs only; "lr_find" the completed
// `graft lr-find` runs. An experiment with lr_find runs only has empty runs, groups,
// curves, once and lr_lines, and null comparison and differing.
// Throws InputError when the experiment does not exist or has no completed run of either kind,
// or a group-by key is unknown.
nlohmann::json report_data(const storage::Store& store, const std::string& experiment,
                           const std::vector<std::string>& group_by);

}  // namespace graft::cli::report
