// `graft new plugin --kind strategy`: fine-tuning with named layer groups frozen, then thawed.
#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {
namespace {

const char* const kSource = R"cpp(// Strategy `@name@`: fine-tuning with frozen layer groups. The model's groups named in `freeze`
// do not train (their BatchNorm and dropout layers stay in eval mode) until epoch
// `unfreeze_epoch`, from which they train at `thawed_lr_scale` times the schedule's LR.
#include <algorithm>
#include <string>
#include <vector>

#include "graft/errors.hpp"
#include "graft/strategy.hpp"

namespace {

class @Class@ : public graft::Strategy {
 public:
  // The params, declared once: graft validates experiment files, `graft plugins describe` and
  // the docs from this.
  static graft::ParamSchema schema() {
    return {
        graft::string_list_param("freeze", {}, "layer groups of the model that do not train (see its layer_groups)"),
        graft::int_param("unfreeze_epoch", 0, "epoch (from 0) at which the frozen groups start training; 0 = never")
            .at_least(0),
        graft::float_param("thawed_lr_scale", 0.1, "LR scale of the frozen groups once they train").between(0, 1),
    };
  }

  @Class@(const graft::Params& params, const graft::PluginContext&)
      : freeze_(params.get_string_list("freeze")),
        unfreeze_epoch_(params.get_int("unfreeze_epoch")),
        thawed_lr_scale_(params.get_float("thawed_lr_scale")) {}

  // Once, after the model is built: every group the optimizer may ever train, frozen ones
  // included (a parameter without gradient is left untouched, weight decay included).
  std::vector<graft::OptimizerGroup> param_groups(graft::Model& model) override {
    const auto layers = model.layer_groups();
    for (const auto& name : freeze_) {
      const bool known = std::any_of(layers.begin(), layers.end(), [&](const auto& layer) { return layer.name == name; });
      if (!known) throw graft::InputError("strategy.freeze: the model has no layer group '" + name + "'; its groups: " + names(layers));
    }
    std::vector<graft::OptimizerGroup> groups;
    for (const auto& layer : layers) {
      layer.set_trainable(!frozen(layer.name));
      groups.push_back({layer.name, layer.parameters(), frozen(layer.name) ? thawed_lr_scale_ : 1.0});
    }
    return groups;
  }

  // Each epoch, after the engine put the whole module in train mode: what trains this epoch.
  void on_epoch_start(graft::Model& model, int epoch, int) override {
    const bool thawed = unfreeze_epoch_ > 0 && epoch >= unfreeze_epoch_;
    for (const auto& layer : model.layer_groups()) {
      if (!frozen(layer.name)) continue;
      layer.set_trainable(thawed);
      if (!thawed) layer.set_training(false);  // frozen BatchNorm keeps its running statistics
    }
  }

 private:
  bool frozen(const std::string& name) const {
    return std::find(freeze_.begin(), freeze_.end(), name) != freeze_.end();
  }

  static std::string names(const std::vector<graft::LayerGroup>& layers) {
    std::string out;
    for (const auto& layer : layers) out += (out.empty() ? "" : ", ") + layer.name;
    return out;
  }

  std::vector<std::string> freeze_;
  std::int64_t unfreeze_epoch_;
  double thawed_lr_scale_;
};

}  // namespace

GRAFT_PLUGIN(graft::describe<@Class@>("@name@", "0.1.0", "fine-tuning with named layer groups frozen, then thawed"))
)cpp";

const char* const kTest = R"cpp(// Unit test of the strategy `@name@` on a two-group model: what it freezes, when it thaws, and
// that an unknown group is the user's error.
#include "@name@.cpp"  // the plugin itself: its class is private to that file

#include <torch/torch.h>

#include "check.hpp"

namespace {

// The smallest model with two layer groups: "body" (with dropout, to see its mode) and "head".
class TwoGroups : public graft::Model {
 public:
  void build(const graft::TaskSpec&) override {}
  torch::nn::Module& module() override { return *root_; }
  graft::Batch collate(const std::vector<graft::Example>&, const graft::CollateOptions&) const override { return {}; }
  torch::Tensor features(const graft::Batch& batch) override { return body_->forward(batch.inputs); }
  torch::Tensor head(const torch::Tensor& features) override { return head_->forward(features); }
  std::vector<graft::LayerGroup> layer_groups() override { return {{"body", {body_.ptr()}}, {"head", {head_.ptr()}}}; }

 private:
  std::shared_ptr<torch::nn::Module> root_ = std::make_shared<torch::nn::Module>();
  torch::nn::Sequential body_ = root_->register_module("body", torch::nn::Sequential(torch::nn::Linear(4, 3), torch::nn::Dropout(0.5)));
  torch::nn::Linear head_ = root_->register_module("head", torch::nn::Linear(3, 2));
};

@Class@ make(std::vector<std::string> freeze) {
  graft::Params params = graft::Params::defaults(@Class@::schema());
  params.set("freeze", std::move(freeze));
  params.set("unfreeze_epoch", std::int64_t{2});
  return @Class@(params, graft::PluginContext{});
}

bool trainable(graft::Model& model, std::size_t group) {
  const auto parameters = model.layer_groups()[group].parameters();
  return std::all_of(parameters.begin(), parameters.end(), [](const auto& p) { return p.requires_grad(); });
}

}  // namespace

int main() {
  TwoGroups model;
  @Class@ strategy = make({"body"});

  // Every group goes to the optimizer; the frozen one at the thawed scale, without gradient.
  const auto groups = strategy.param_groups(model);
  EXPECT(groups.size() == 2);
  EXPECT(groups[0].name == "body" && groups[0].lr_scale == 0.1);
  EXPECT(groups[1].name == "head" && groups[1].lr_scale == 1.0);
  EXPECT(!trainable(model, 0));
  EXPECT(trainable(model, 1));

  // Before unfreeze_epoch the body stays frozen and in eval mode; from it on, it trains.
  model.module().train();
  strategy.on_epoch_start(model, 1, 4);
  EXPECT(!trainable(model, 0));
  EXPECT(!model.layer_groups()[0].modules[0]->is_training());
  model.module().train();
  strategy.on_epoch_start(model, 2, 4);
  EXPECT(trainable(model, 0));
  EXPECT(model.layer_groups()[0].modules[0]->is_training());

  // A group the model does not have is the user's error.
  @Class@ typo = make({"bdy"});
  EXPECT_THROWS_AS(typo.param_groups(model), graft::InputError);

  graft_test::check_manifest("@name@", graft::PluginKind::Strategy);
  return graft_test::finish();
}
)cpp";

const char* const kTables = R"toml(
[strategy]
plugin = "@name@"  # this project's plugin
freeze = ["block1"]           # a layer group of small_cnn (see its layer_groups)
unfreeze_epoch = 2
)toml";

}  // namespace

const KindTemplate& strategy_template() {
  static const std::string tables = std::string(kSmallCnnTable) + kIdxTable + kTables;
  static const KindTemplate parts{
      "A strategy plugin: fine-tuning with some of the model's layer groups frozen, then thawed at a\n"
      "lower learning rate.",
      kSource, kTest, tables.c_str(),
      "- `param_groups()` is called once, after the model is built: return every parameter the\n"
      "  optimizer may ever train, each group with its `lr_scale`, and set `requires_grad` there.\n"
      "- `on_epoch_start()` runs each epoch after the engine puts the module in train mode: freeze\n"
      "  or thaw groups (`LayerGroup::set_trainable`) and put frozen BatchNorm layers back in eval\n"
      "  mode (`set_training(false)`). A strategy changes what trains, at which rate, and the loss\n"
      "  (`loss()`, cross-entropy by default); never the model's architecture or the data.",
      SampleData::Idx};
  return parts;
}

}  // namespace graft::cli::scaffold
