#pragma once
// Strategy plugins: what trains, at which rate, with which loss.
//
// The engine calls, in order: param_groups() once after the model is built (the optimizer holds
// every group a strategy may ever train: a parameter whose requires_grad is false gets no
// gradient and the optimizer leaves it untouched); then, each epoch, module().train() followed by
// on_epoch_start(), where the strategy freezes or unfreezes groups and puts frozen BatchNorm
// layers back in eval mode; loss() for every training batch.
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

class GRAFT_SDK_API Strategy : public Plugin {
 public:
  static constexpr PluginKind kind = PluginKind::Strategy;
  ~Strategy() override;

  virtual std::vector<OptimizerGroup> param_groups(Model& model) = 0;
  virtual void on_epoch_start(Model& model, int epoch, int total_epochs);
  // Default: cross-entropy of logits against batch.labels.
  virtual at::Tensor loss(Model& model, const Batch& batch, const at::Tensor& logits);
};

}  // namespace graft
