#include "distributed/gradient_ready_hooks.hpp"

#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/function_hook.h>
#include <torch/csrc/autograd/variable.h>

namespace graft::distributed {
namespace {

// FunctionPostHook's one pure virtual is the same in LibTorch 1.13 and 2.x.
class ReadyHook : public torch::autograd::FunctionPostHook {
 public:
  ReadyHook(std::size_t index, const std::function<void(std::size_t)>* ready) : index_(index), ready_(ready) {}

  torch::autograd::variable_list operator()(const torch::autograd::variable_list& outputs,
                                            const torch::autograd::variable_list& /*inputs*/) override {
    (*ready_)(index_);
    return outputs;
  }

 private:
  std::size_t index_;
  const std::function<void(std::size_t)>* ready_;
};

}  // namespace

GradientReadyHooks::GradientReadyHooks(const std::vector<at::Tensor>& parameters,
                                       std::function<void(std::size_t)> ready)
    : ready_(std::move(ready)) {
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    if (!parameters[i].requires_grad()) continue;
    auto accumulator = torch::autograd::impl::grad_accumulator(parameters[i]);
    if (!accumulator) continue;
    const auto key = accumulator->add_post_hook(std::make_unique<ReadyHook>(i, &ready_));
    hooks_.emplace_back(std::move(accumulator), key);
  }
}

GradientReadyHooks::~GradientReadyHooks() {
  for (auto& [accumulator, key] : hooks_) accumulator->del_post_hook(key);
}

}  // namespace graft::distributed
