#pragma once
// The PyTorch reference schedules of tests/data/schedulers/references.json (written by
// make_references.py): each case's graft settings and the LR PyTorch used at every optimizer step.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "graft/params.hpp"

namespace graft::testing {

struct ReferenceCase {
  std::string name;
  std::string plugin;
  std::string pytorch;  // what PyTorch ran, for failure messages
  std::vector<std::pair<std::string, ParamValue>> params;    // the plugin's, typed by its schema
  std::vector<std::pair<std::string, ParamValue>> schedule;  // [scheduler] warmup keys, typed by the engine's schema
  double base_lr = 0;
  std::int64_t steps_per_epoch = 1;
  std::int64_t epochs = 1;
  std::vector<double> metric_history;  // plateau: the monitored metric at each epoch end
  std::vector<double> lr;              // PyTorch's LR at optimizer step k = 0..N-1

  // The metric of every epoch completed before optimizer step `step`, as the trainer passes it.
  std::vector<double> history_before(std::int64_t step) const;
};

// Every case of the file, loaded once. Params are typed by the schemas of the built-in scheduler
// plugins and of the engine's [scheduler] extras (a JSON 1 may be an int or a float param).
const std::vector<ReferenceCase>& reference_cases();

}  // namespace graft::testing
