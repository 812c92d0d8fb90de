// `graft new plugin --kind model`: a multilayer perceptron on flattened example tensors.
#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {
namespace {

const char* const kSource = R"cpp(// Model `@name@`: a multilayer perceptron. Each example's tensor (`Example::image`: an image as
// decoded, or a dataset's feature vector) is flattened to `inputs` numbers and divided by
// `input_divisor`; hidden layers of the `hidden` widths with ReLU follow, then a linear head.
#include <torch/torch.h>

#include <string>
#include <vector>

#include "graft/errors.hpp"
#include "graft/model.hpp"

namespace {

class @Class@ : public graft::Model {
 public:
  // The params, declared once: graft validates experiment files, `graft plugins describe` and
  // the docs from this.
  static graft::ParamSchema schema() {
    return {
        graft::int_param("inputs", 64, "numbers per example: the element count of its tensor (C x H x W)")
            .between(1, 1 << 24),
        graft::int_list_param("hidden", {64}, "widths of the hidden layers, from input to output").between(1, 65536),
        graft::float_param("dropout", 0.0, "dropout after each hidden layer").between(0, 0.95),
        graft::float_param("input_divisor", 255.0, "inputs are divided by this: 255 for 8-bit images, 1 for features")
            .at_least(1e-9),
    };
  }

  @Class@(const graft::Params& params, const graft::PluginContext&)
      : inputs_(params.get_int("inputs")),
        widths_(params.get_int_list("hidden")),
        dropout_(params.get_float("dropout")),
        divisor_(params.get_float("input_divisor")) {}

  // Once, with the dataset's classes. LibTorch was just seeded with the trial's seed, so the
  // initial weights are reproducible.
  void build(const graft::TaskSpec& task) override {
    net_ = std::make_shared<torch::nn::Module>("@Class@");
    std::int64_t width = inputs_;
    for (std::size_t i = 0; i < widths_.size(); ++i) {
      torch::nn::Sequential layer(torch::nn::Linear(width, widths_[i]), torch::nn::ReLU(),
                                  torch::nn::Dropout(dropout_));
      hidden_.push_back(net_->register_module("hidden" + std::to_string(i + 1), layer));
      width = widths_[i];
    }
    head_ = torch::nn::Linear(width, static_cast<std::int64_t>(task.num_classes()));
    net_->register_module("head", head_);
  }

  torch::nn::Module& module() override { return *net_; }

  // Called from several loader threads at once: reads its arguments and members, changes nothing.
  graft::Batch collate(const std::vector<graft::Example>& examples, const graft::CollateOptions&) const override {
    std::vector<torch::Tensor> rows;
    std::vector<std::int64_t> labels;
    for (const auto& example : examples) {
      if (example.image.numel() != inputs_) {
        throw graft::InputError("@name@: an example has " + std::to_string(example.image.numel()) +
                                " numbers, the model takes " + std::to_string(inputs_) + " (set model.inputs)");
      }
      rows.push_back(example.image.reshape({inputs_}).to(torch::kFloat32));
      labels.push_back(example.label);
    }
    graft::Batch batch;
    batch.inputs = torch::stack(rows).div_(divisor_);  // stack copies: the dataset's tensors stay untouched
    batch.labels = torch::tensor(labels, torch::kInt64);
    return batch;
  }

  torch::Tensor features(const graft::Batch& batch) override {
    torch::Tensor x = batch.inputs;
    for (auto& layer : hidden_) x = layer->forward(x);
    return x;
  }

  torch::Tensor head(const torch::Tensor& features) override { return head_->forward(features); }

  // From input to output, the head last; every parameter in exactly one group. Strategies
  // freeze or scale these by name.
  std::vector<graft::LayerGroup> layer_groups() override {
    std::vector<graft::LayerGroup> groups;
    for (std::size_t i = 0; i < hidden_.size(); ++i) groups.push_back({"hidden" + std::to_string(i + 1), {hidden_[i].ptr()}});
    groups.push_back({"head", {head_.ptr()}});
    return groups;
  }

 private:
  std::int64_t inputs_;
  std::vector<std::int64_t> widths_;
  double dropout_;
  double divisor_;
  std::shared_ptr<torch::nn::Module> net_;
  std::vector<torch::nn::Sequential> hidden_;
  torch::nn::Linear head_{nullptr};
};

}  // namespace

GRAFT_PLUGIN(graft::describe<@Class@>("@name@", "0.1.0", "multilayer perceptron on flattened example tensors"))
)cpp";

const char* const kTest = R"cpp(// Unit test of the model `@name@`: collate, forward, layer groups and manifest.
#include "@name@.cpp"  // the plugin itself: its class is private to that file

#include "check.hpp"

namespace {

graft::Example example(std::int64_t label, std::uint8_t value) {
  graft::Example out;
  out.image = torch::full({1, 4, 4}, value, torch::kUInt8);  // an image as a dataset decodes it
  out.label = label;
  return out;
}

}  // namespace

int main() {
  graft::Params params = graft::Params::defaults(@Class@::schema());
  params.set("inputs", std::int64_t{16});
  params.set("hidden", std::vector<std::int64_t>{8, 4});
  @Class@ model(params, graft::PluginContext{});
  model.build(graft::TaskSpec{{"a", "b", "c"}});

  // Collate flattens and scales: 255 becomes 1.
  const graft::Batch batch = model.collate({example(0, 255), example(2, 0)}, graft::CollateOptions{});
  EXPECT(batch.inputs.sizes() == torch::IntArrayRef({2, 16}));
  EXPECT(batch.inputs.max().item<float>() == 1.0f);
  EXPECT(batch.labels.equal(torch::tensor({0, 2}, torch::kInt64)));

  // One logit per class, and gradients reach every parameter.
  const torch::Tensor logits = model.forward(batch);
  EXPECT(logits.sizes() == torch::IntArrayRef({2, 3}));
  torch::nn::functional::cross_entropy(logits, batch.labels).backward();
  for (const auto& parameter : model.module().parameters()) EXPECT(parameter.grad().defined());

  // Layer groups: input to output, the head last, every parameter in exactly one.
  const auto groups = model.layer_groups();
  EXPECT(groups.size() == 3);
  EXPECT(groups.back().name == "head");
  std::size_t grouped = 0;
  for (const auto& group : groups) grouped += group.parameters().size();
  EXPECT(grouped == model.module().parameters().size());

  // A tensor of the wrong size is the user's error, with what to set.
  graft::Example wrong;
  wrong.image = torch::zeros({3, 3});
  EXPECT_THROWS_AS(model.collate({wrong}, graft::CollateOptions{}), graft::InputError);

  graft_test::check_manifest("@name@", graft::PluginKind::Model);
  return graft_test::finish();
}
)cpp";

const char* const kTables = R"toml(
[model]
plugin = "@name@"  # this project's plugin
inputs = 64                   # 8x8 images
hidden = [32]
)toml";

}  // namespace

const KindTemplate& model_template() {
  static const std::string tables = std::string(kTables) + kIdxTable;
  static const KindTemplate parts{
      "A model plugin: a multilayer perceptron that flattens each example's tensor (an image, or a\n"
      "dataset's feature vector) and classifies it.",
      kSource, kTest, tables.c_str(),
      "- `build(task)` is called once, after the constructor, with the dataset's classes.\n"
      "- `collate()` owns preprocessing (datasets return data as decoded) and runs in several loader\n"
      "  threads at once: it must not change shared state. Augment only in `Mode::Train`, drawing\n"
      "  randomness per example from `CollateOptions::example_seed(i)`.\n"
      "- `forward = head(features(...))`; `layer_groups()` go from input to output, the head last, and\n"
      "  hold every parameter exactly once (strategies freeze and scale them by name).",
      SampleData::Idx};
  return parts;
}

}  // namespace graft::cli::scaffold
