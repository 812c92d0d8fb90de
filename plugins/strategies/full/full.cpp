// Strategy `full`: full fine-tuning (or training from scratch): every layer group trains at the
// schedule's LR, with the default cross-entropy loss.
#include "graft/strategy.hpp"

namespace {

class FullFineTuning : public graft::Strategy {
 public:
  static graft::ParamSchema schema() { return {}; }
  FullFineTuning(const graft::Params&, const graft::PluginContext&) {}

  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    std::vector<graft::OptimizerGroup> groups;
    for (const auto& layer : model.layer_groups()) {
      layer.set_trainable(true);
      groups.push_back(graft::OptimizerGroup{layer.name, layer.parameters(), /*lr_scale=*/1.0});
    }
    return groups;
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<FullFineTuning>("full", "1.0.0", "train every layer at the same learning rate"))
