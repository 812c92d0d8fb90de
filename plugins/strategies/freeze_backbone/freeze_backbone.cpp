// Strategy `freeze_backbone`: linear probing. Only the head (the model's last layer group) trains;
// every other group is frozen and in eval mode for the whole run, so BatchNorm keeps the running
// statistics it was pre-trained with and the engine may run (and cache) the backbone without
// autograd.
#include "../common/layer_training.hpp"

namespace {

using namespace graft::strategies;

class FreezeBackbone : public graft::Strategy {
 public:
  static graft::ParamSchema schema() { return {}; }
  FreezeBackbone(const graft::Params&, const graft::PluginContext&) {}

  // The optimizer holds the head alone: nothing else ever trains.
  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, kName);
    train_top_groups(layers, kHeadOnly);
    const auto& head = layers.back();
    return {graft::OptimizerGroup{head.name, head.parameters(), /*lr_scale=*/1.0}};
  }

  // Every epoch, because the engine puts the whole module back in train mode before this call.
  void on_epoch_start(graft::Model& model, int epoch, int) override {
    const auto layers = layer_groups_of(model, kName);
    train_top_groups(layers, kHeadOnly);
    log_.update(layers, kHeadOnly, epoch);
  }

 private:
  static constexpr const char* kName = "freeze_backbone";
  static constexpr std::size_t kHeadOnly = 1;
  TrainableLog log_{kName};
};

}  // namespace

GRAFT_PLUGIN(graft::describe<FreezeBackbone>("freeze_backbone", "1.0.0",
                                             "train the head only; every other layer group frozen, in eval mode"))
