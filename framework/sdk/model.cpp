#include "graft/model.hpp"
#include "graft/text_model.hpp"

namespace graft {

Model::~Model() = default;

TextModel::~TextModel() = default;

at::Tensor Model::forward(const Batch& batch) { return head(features(batch)); }

std::string Model::preprocessing_key(Mode) const { return {}; }

std::vector<at::Tensor> LayerGroup::parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& module : modules) {
    for (const auto& parameter : module->parameters(/*recurse=*/true)) out.push_back(parameter);
  }
  return out;
}

void LayerGroup::set_trainable(bool trainable) const {
  for (auto& parameter : parameters()) parameter.set_requires_grad(trainable);
}

void LayerGroup::set_training(bool training) const {
  for (const auto& module : modules) module->train(training);
}

}  // namespace graft
