#include "engine/forward_path.hpp"

#include <torch/utils.h>

#include "engine/backbone.hpp"

namespace graft::engine {

ForwardPath forward_path(Model& model, bool cacheable) {
  if (!backbone_frozen(model)) return ForwardPath::Full;
  return cacheable ? ForwardPath::CachedFeatures : ForwardPath::FrozenBackbone;
}

at::Tensor backbone_features(Model& model, ForwardPath path, const Batch& batch) {
  if (path == ForwardPath::Full) return model.features(batch);
  torch::NoGradGuard no_grad;
  return model.features(batch);
}

at::Tensor training_logits(Model& model, ForwardPath path, const Batch& batch) {
  switch (path) {
    case ForwardPath::CachedFeatures:
      return model.head(batch.inputs);
    case ForwardPath::FrozenBackbone:
      return model.head(backbone_features(model, path, batch));
    default:
      return model.forward(batch);
  }
}

}  // namespace graft::engine
