#pragma once
// Strategy plugins: what trains, at which rate, with which loss.
//
// The engine calls, in order: param_groups() once after the model is built (the optimizer holds
// every group a strategy may ever train: a parameter whose requires_grad is false gets no
// gradient and the optimizer leaves it untouched); then, each epoch, module().train() followed by
// on_epoch_start(), where the strategy freezes or unfreezes groups and puts frozen BatchNorm
// layers back in eval mode; loss() for every training batch.
//
// Multi-task experiments ([tasks.NAME] tables: more datasets sharing the model's backbone, each
// with a head of its own) reach the strategy through set_tasks(), called once before
// param_groups(), and task_order(), which decides which task each training batch of an epoch
// comes from. A batch's task is Batch::extra[batch_keys::kTaskIndex] (graft/batch.hpp: an index into
// set_tasks' list; absent with a single task and in `graft lr-find`) and its logits come from that task's
// head. The defaults accept one task only, so a strategy trains several only if it says so.
#include <cstddef>
#include <string>
#include <vector>

#include "graft/model.hpp"
#include "graft/plugin.hpp"

namespace graft {

// One optimizer parameter group; its LR is the schedule's LR times lr_scale.
struct OptimizerGroup {
  std::string name;
  std::vector<at::Tensor> parameters;
  double lr_scale = 1.0;
};

// One task of an experiment: the main task ([dataset], index 0), then each [tasks.NAME].
struct TaskInfo {
  std::string name;                // "main", or NAME
  std::size_t num_classes = 0;
  std::size_t train_batches = 0;   // training batches in one pass over the task's training split
  double weight = 1.0;             // [tasks.NAME] weight; 1 for the main task
};

class GRAFT_SDK_API Strategy : public Plugin {
 public:
  static constexpr PluginKind kind = PluginKind::Strategy;
  ~Strategy() override;

  virtual std::vector<OptimizerGroup> param_groups(Model& model) = 0;
  virtual void on_epoch_start(Model& model, int epoch, int total_epochs);
  // Default: cross-entropy of logits against batch.labels.
  virtual at::Tensor loss(Model& model, const Batch& batch, const at::Tensor& logits);

  // Default: remembers a single task; throws InputError when there are more.
  virtual void set_tasks(const std::vector<TaskInfo>& tasks);
  // The task of each training batch of an epoch, in order: the same length every epoch (the LR
  // schedule counts on it). A task whose batches run out starts another pass over its training
  // split, freshly shuffled. Default: one pass over the main task.
  virtual std::vector<std::size_t> task_order(int epoch);

 private:
  std::vector<TaskInfo> tasks_;
};

}  // namespace graft
