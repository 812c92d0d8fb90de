#include "engine/optimizer.hpp"

#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/sgd.h>

#include "graft/errors.hpp"

namespace graft::engine {
namespace {

std::unique_ptr<torch::optim::OptimizerOptions> make_options(const Params& train) {
  const std::string& name = train.get_string("optimizer");
  const double lr = train.get_float("lr");
  const double weight_decay = train.get_float("weight_decay");
  if (name == "sgd") {
    return std::make_unique<torch::optim::SGDOptions>(torch::optim::SGDOptions(lr)
                                                          .momentum(train.get_float("momentum"))
                                                          .nesterov(train.get_bool("nesterov"))
                                                          .weight_decay(weight_decay));
  }
  const auto betas = train.get_float_list("betas");
  if (betas.size() != 2) throw InputError("train.betas must hold two values, got " + std::to_string(betas.size()));
  const auto beta_pair = std::make_tuple(betas[0], betas[1]);
  if (name == "adam") {
    return std::make_unique<torch::optim::AdamOptions>(
        torch::optim::AdamOptions(lr).betas(beta_pair).eps(train.get_float("eps")).weight_decay(weight_decay));
  }
  if (name == "adamw") {
    return std::make_unique<torch::optim::AdamWOptions>(
        torch::optim::AdamWOptions(lr).betas(beta_pair).eps(train.get_float("eps")).weight_decay(weight_decay));
  }
  throw InputError("unknown optimizer '" + name + "' (use sgd, adam or adamw)");
}

void set_weight_decay(torch::optim::OptimizerOptions& options, double weight_decay) {
  if (auto* sgd = dynamic_cast<torch::optim::SGDOptions*>(&options)) sgd->weight_decay(weight_decay);
  else if (auto* adamw = dynamic_cast<torch::optim::AdamWOptions*>(&options)) adamw->weight_decay(weight_decay);
  else if (auto* adam = dynamic_cast<torch::optim::AdamOptions*>(&options)) adam->weight_decay(weight_decay);
}

// Biases and normalisation weights are the parameters with one dimension: Hugging Face's Trainer
// and timm leave them out of weight decay, which only regularises weight matrices and filters.
bool exempt_from_decay(const at::Tensor& parameter) { return parameter.dim() <= 1; }

}  // namespace

ScaledOptimizer::ScaledOptimizer(const Params& train, const std::vector<OptimizerGroup>& groups) {
  const auto defaults = make_options(train);
  const bool split_decay = train.get_float("weight_decay") > 0 && !train.get_bool("decay_biases_and_norms");
  std::vector<torch::optim::OptimizerParamGroup> param_groups;
  const auto add_group = [&](const std::vector<at::Tensor>& parameters, double scale, bool decay) {
    if (parameters.empty()) return;
    auto options = defaults->clone();
    if (!decay) set_weight_decay(*options, 0.0);
    param_groups.emplace_back(parameters, std::move(options));
    scales_.push_back(scale);
    parameters_.insert(parameters_.end(), parameters.begin(), parameters.end());
  };
  for (const auto& group : groups) {
    if (!split_decay) {
      add_group(group.parameters, group.lr_scale, true);
      continue;
    }
    std::vector<at::Tensor> decayed, exempt;
    for (const auto& parameter : group.parameters) (exempt_from_decay(parameter) ? exempt : decayed).push_back(parameter);
    add_group(decayed, group.lr_scale, true);
    add_group(exempt, group.lr_scale, false);
  }
  if (param_groups.empty()) throw InputError("the strategy left no parameters to train");
  const std::string& name = train.get_string("optimizer");
  if (name == "sgd") {
    optimizer_ = std::make_unique<torch::optim::SGD>(param_groups, static_cast<torch::optim::SGDOptions&>(*defaults));
  } else if (name == "adam") {
    optimizer_ = std::make_unique<torch::optim::Adam>(param_groups, static_cast<torch::optim::AdamOptions&>(*defaults));
  } else {
    optimizer_ = std::make_unique<torch::optim::AdamW>(param_groups, static_cast<torch::optim::AdamWOptions&>(*defaults));
  }
  set_lr(train.get_float("lr"));
}

void ScaledOptimizer::set_lr(double lr) {
  auto& groups = optimizer_->param_groups();
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i].options().set_lr(lr * scales_[i]);
}

// Gradients are reset to "none", not zeroed (LibTorch 1.13's Optimizer::zero_grad zeroes them;
// 2.x resets them, as PyTorch does): a parameter the step's loss does not reach, such as another
// task's head in a multi-task run, is then left alone by the step, with no momentum or weight
// decay applied, whatever steps came before. The step therefore depends on the weights and the
// optimizer state alone, which is what a resumed run restores.
void ScaledOptimizer::zero_grad() {
  for (auto& parameter : parameters_) {
    if (parameter.grad().defined()) parameter.mutable_grad() = at::Tensor();
  }
}

void ScaledOptimizer::step() { optimizer_->step(); }

}  // namespace graft::engine
