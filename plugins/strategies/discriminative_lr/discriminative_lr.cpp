// Strategy `discriminative_lr`: every layer group trains, each at its own rate: the head at the
// schedule's LR (times head_lr_scale), each group below it `decay` times the one above. Lower
// groups hold the most general features, so they move least (ULMFiT's discriminative fine-tuning).
#include "../common/layer_training.hpp"

namespace {

using namespace graft::strategies;

class DiscriminativeLr : public graft::Strategy {
 public:
  static graft::ParamSchema schema() {
    return {
        graft::float_param("decay", 0.5,
                           "LR scale of a group = decay^(its distance from the head), in (0, 1]. 0.5 halves the LR "
                           "per group: models expose a few coarse groups (stages, not single layers), so the input "
                           "group of a 4-6 group model still learns at 1/8-1/32 of the head; ULMFiT's 1/2.6 was "
                           "tuned per LSTM layer and 0.1 would all but freeze the lower groups")
            .between(0, 1)
            .above(0),
        graft::float_param("head_lr_scale", 1.0,
                           "extra LR multiplier for the head alone, e.g. 10 for a new, randomly initialised head")
            .above(0),
    };
  }

  DiscriminativeLr(const graft::Params& params, const graft::PluginContext&)
      : decay_(params.get_float("decay")), head_lr_scale_(params.get_float("head_lr_scale")) {}

  // What trains never changes, so it is set (and logged) once here; the engine's module().train()
  // at each epoch start is all the modes need.
  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = layer_groups_of(model, kName);
    train_top_groups(layers, layers.size());
    auto groups = decayed_groups(layers, decay_, head_lr_scale_);
    graft::log::info("{}: every layer group trains; LR scales {}", kName, describe_scales(groups));
    return groups;
  }

 private:
  static constexpr const char* kName = "discriminative_lr";
  double decay_;
  double head_lr_scale_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<DiscriminativeLr>("discriminative_lr", "1.0.0",
                                               "train every layer group, each lower group at a decayed learning rate"))
