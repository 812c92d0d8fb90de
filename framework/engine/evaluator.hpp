#pragma once
// Measures a trial's model on a split, in evaluation mode and without autograd: loss
// (cross-entropy), accuracy and macro-F1 of the main task (through cached backbone features
// while the backbone is frozen and its preprocessing deterministic), and of each further task
// through its head. Metrics pass TrainingHooks::reduce_metrics before they are read.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/batch_loader.hpp"
#include "engine/classification_metrics.hpp"
#include "engine/device_policy.hpp"
#include "engine/run_features.hpp"
#include "engine/task_heads.hpp"
#include "engine/training_hooks.hpp"
#include "engine/trial_preparation.hpp"

namespace graft::engine {

using LogitsFunction = std::function<at::Tensor(const Batch&)>;

// Every batch of `batches` on the device through `logits_of`, accumulated.
ClassificationMetrics measure(BatchSource& batches, const LogitsFunction& logits_of, std::size_t num_classes,
                              const DevicePolicy& device);

class Evaluator {
 public:
  // `task_heads`: the further tasks' heads, null without further tasks; `tasks` as task_infos.
  Evaluator(PreparedTrial& trial, TaskHeads* task_heads, std::vector<TaskInfo> tasks, RunFeatures& features,
            const TrainingHooks& hooks);

  // The split of every task that has it, as "val.accuracy", ..., "task/NAME/val.accuracy", ...
  std::map<std::string, double> evaluate(Split split);

 private:
  std::map<std::string, double> main_task(Split split);
  std::map<std::string, double> named(const std::string& prefix, ClassificationMetrics metrics) const;

  PreparedTrial& trial_;
  TaskHeads* task_heads_;
  std::vector<TaskInfo> tasks_;
  RunFeatures& features_;
  const TrainingHooks& hooks_;
};

}  // namespace graft::engine
