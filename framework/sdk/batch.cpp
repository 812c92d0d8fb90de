#include "graft/batch.hpp"

#include <ATen/ATen.h>

namespace graft {

Batch Batch::to(c10::Device device) const {
  Batch moved;
  moved.inputs = inputs.defined() ? inputs.to(device) : inputs;
  moved.labels = labels.defined() ? labels.to(device) : labels;
  for (const auto& [name, tensor] : extra) moved.extra[name] = tensor.defined() ? tensor.to(device) : tensor;
  return moved;
}

}  // namespace graft
