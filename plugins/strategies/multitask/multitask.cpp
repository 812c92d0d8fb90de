// Strategy `multitask`: the main task ([dataset]) and the further tasks of [tasks.NAME] tables
// train together: the model's backbone is shared, each task has its head, and each training
// batch comes from one task. `sampling` decides how the tasks take turns and what the weights
// mean: round_robin gives each task one batch in turn and scales its loss by its weight;
// weighted gives each task a share of the batches in proportion to its weight and leaves the
// losses alone (a weight counts once, either way). Every layer group trains, at LRs decaying by
// `decay` per group below the head as in discriminative_lr (1: the same LR everywhere).
#include <torch/nn/functional/loss.h>

#include "../common/layer_training.hpp"
#include "task_order.hpp"

namespace {

using namespace graft::strategies;

class MultiTask : public graft::Strategy {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::string_param("sampling", "round_robin",
                            "round_robin: each task of positive weight gives one batch in turn, its loss times its "
                            "weight; weighted: each task's share of the batches is its weight over the sum, losses "
                            "unscaled. Either way an epoch is one pass over the main task")
            .one_of({"round_robin", "weighted"}),
        graft::float_param("main_weight", 1.0, "the main task's weight ([dataset]); [tasks.NAME] weight sets the others'")
            .above(0),
        graft::float_param("decay", 1.0, "LR scale of a layer group = decay^(its distance from the head), in (0, 1]")
            .between(0, 1)
            .above(0),
    };
  }

  MultiTask(const graft::Params& params, const graft::PluginContext&)
      : weighted_(params.get_string("sampling") == "weighted"),
        main_weight_(params.get_float("main_weight")),
        decay_(params.get_float("decay")) {}

  void set_tasks(const std::vector<graft::TaskInfo>& tasks) override {
    weights_ = {main_weight_};
    for (std::size_t task = 1; task < tasks.size(); ++task) weights_.push_back(tasks[task].weight);
    order_ = weighted_ ? weighted_order(tasks, main_weight_) : round_robin_order(tasks);
    std::vector<std::size_t> batches(tasks.size(), 0);
    for (std::size_t task : order_) ++batches[task];
    std::vector<std::string> shares;
    for (std::size_t task = 0; task < tasks.size(); ++task) {
      shares.push_back(fmt::format("{} {} (weight {:g})", tasks[task].name, batches[task], weights_[task]));
    }
    graft::log::info("multitask: {} batches per epoch, {}: {}", order_.size(), weighted_ ? "weighted" : "round robin",
                     fmt::join(shares, ", "));
  }

  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, "multitask");
    train_top_groups(layers, layers.size());
    return decayed_groups(layers, decay_);
  }

  std::vector<std::size_t> task_order(int) override { return order_; }

  // A batch without a task (`graft lr-find` feeds the main task alone) is the main task's.
  at::Tensor loss(graft::Model& model, const graft::Batch& batch, const at::Tensor& logits) override {
    at::Tensor loss = graft::Strategy::loss(model, batch, logits);
    if (weighted_) return loss;
    const auto task = batch.extra.find(graft::batch_keys::kTaskIndex);
    const std::size_t index = task == batch.extra.end() ? 0 : static_cast<std::size_t>(task->second.item<std::int64_t>());
    const double weight = index < weights_.size() ? weights_[index] : main_weight_;
    return weight == 1.0 ? loss : loss * weight;
  }

 private:
  bool weighted_;
  double main_weight_;
  double decay_;
  std::vector<double> weights_ = {1.0};
  std::vector<std::size_t> order_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<MultiTask>("multitask", "1.0.0",
                                        "train the main task and [tasks.NAME] tasks together on one shared backbone"))
