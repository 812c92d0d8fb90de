#pragma once
// How a training step reaches the logits, decided each epoch from what the strategy froze: the
// whole model with autograd; a frozen backbone without autograd and the head with it; or the
// head alone on cached backbone features (feature_cache.hpp). The trainer and the LR finder
// share it, so both train exactly the same computation.
#include <ATen/core/Tensor.h>

#include "graft/batch.hpp"
#include "graft/model.hpp"

namespace graft::engine {

enum class ForwardPath {
  Full,            // model.forward with autograd throughout
  FrozenBackbone,  // backbone without autograd, head with it
  CachedFeatures,  // batches hold cached backbone features: the head alone
};

// Full, or FrozenBackbone when backbone_frozen(model); CachedFeatures when `cacheable` too.
ForwardPath forward_path(Model& model, bool cacheable);

// The backbone's features, with autograd only on the Full path.
at::Tensor backbone_features(Model& model, ForwardPath path, const Batch& batch);

// The main task's training logits on `path`.
at::Tensor training_logits(Model& model, ForwardPath path, const Batch& batch);

}  // namespace graft::engine
