// Strategy `full`: full fine-tuning (or training from scratch): every layer group trains at the
// schedule's LR, with the default cross-entropy loss.
#include "../common/layer_training.hpp"

namespace {

using namespace graft::strategies;

class FullFineTuning : public graft::Strategy {
 public:
  static graft::ParamSchema schema() { return {}; }
  FullFineTuning(const graft::Params&, const graft::PluginContext&) {}

  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, "full");
    train_top_groups(layers, layers.size());
    return decayed_groups(layers, /*decay=*/1.0);
  }
};

}  // namespace

GRAFT_PLUGIN(graft::describe<FullFineTuning>("full", "1.0.0", "train every layer at the same learning rate"))
