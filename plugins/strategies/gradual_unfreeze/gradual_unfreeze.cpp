// Strategy `gradual_unfreeze`: ULMFiT's gradual unfreezing (Howard & Ruder, 2018). The top
// `start_with` layer groups train from epoch 0; every `every_epochs` epochs one more group below
// them unfreezes, until every group trains. Frozen groups are in eval mode. Optionally with
// discriminative rates: group scale = lr_decay^(distance from the head).
#include <algorithm>

#include "../common/layer_training.hpp"

namespace {

using namespace graft::strategies;

class GradualUnfreeze : public graft::Strategy {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::int_param("every_epochs", 1,
                         "epochs between two unfreezings: one more layer group (the next below those training) "
                         "starts training every this many epochs")
            .at_least(1),
        graft::int_param("start_with", 1,
                         "layer groups nearest the head that train from epoch 0 (1 = the head only; more than the "
                         "model has = every group)")
            .at_least(1),
        graft::float_param("lr_decay", 1.0,
                           "LR scale of a group = lr_decay^(its distance from the head), in (0, 1]; 1 = every group at "
                           "the schedule's LR, 1/2.6 = ULMFiT's discriminative rates")
            .between(0, 1)
            .above(0),
    };
  }

  GradualUnfreeze(const graft::Params& params, const graft::PluginContext&)
      : every_epochs_(params.get_int("every_epochs")),
        start_with_(params.get_int("start_with")),
        lr_decay_(params.get_float("lr_decay")) {}

  // Every group may train eventually, so the optimizer holds them all; those still frozen get no
  // gradient and the optimizer leaves them untouched.
  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, kName);
    train_top_groups(layers, trainable_at(0));
    auto groups = decayed_groups(layers, lr_decay_);
    if (lr_decay_ != 1.0) graft::log::info("{}: LR scales {}", kName, describe_scales(groups));
    return groups;
  }

  void on_epoch_start(graft::Model& model, int epoch, int) override {
    const auto layers = layer_groups_of(model, kName);
    const auto trainable = trainable_at(epoch);
    train_top_groups(layers, trainable);
    log_.update(layers, trainable, epoch);
  }

 private:
  // Top groups that train during `epoch`: start_with, plus one per completed unfreezing period.
  // (train_top_groups caps it at the number of groups.)
  std::size_t trainable_at(int epoch) const {
    return static_cast<std::size_t>(start_with_ + std::max(0, epoch) / every_epochs_);
  }

  static constexpr const char* kName = "gradual_unfreeze";
  std::int64_t every_epochs_;
  std::int64_t start_with_;
  double lr_decay_;
  TrainableLog log_{kName};
};

}  // namespace

GRAFT_PLUGIN(graft::describe<GradualUnfreeze>("gradual_unfreeze", "1.0.0",
                                              "train the head first, then unfreeze one more layer group from the top "
                                              "every few epochs (ULMFiT)"))
