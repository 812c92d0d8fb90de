#pragma once
// Tells when the backward pass has finished a parameter's gradient, so that its all-reduce can
// start while the pass goes on with the layers below. A tensor hook would come too early (it sees
// the incoming gradient before it is added to .grad); this is a post hook on the parameter's
// AccumulateGrad node, as c10d's Reducer registers it for DistributedDataParallel.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace torch::autograd {
struct Node;
}

namespace graft::distributed {

class GradientReadyHooks {
 public:
  // From now until destruction, `ready(i)` runs (on the autograd engine's thread) each time a
  // backward pass has accumulated the gradient of `parameters[i]`. Parameters that do not require
  // a gradient are left alone.
  GradientReadyHooks(const std::vector<at::Tensor>& parameters, std::function<void(std::size_t)> ready);
  ~GradientReadyHooks();  // removes the hooks
  GradientReadyHooks(const GradientReadyHooks&) = delete;
  GradientReadyHooks& operator=(const GradientReadyHooks&) = delete;

 private:
  // Each accumulator held: a parameter's AccumulateGrad lives only as long as someone holds it,
  // and a new one (without the hook) would replace it.
  std::function<void(std::size_t)> ready_;  // the hooks point at it: this object does not move
  std::vector<std::pair<std::shared_ptr<torch::autograd::Node>, std::uintptr_t>> hooks_;
};

}  // namespace graft::distributed
