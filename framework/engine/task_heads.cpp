#include "engine/task_heads.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "graft/errors.hpp"
#include "graft/log.hpp"

namespace graft::engine {
namespace {

std::int64_t feature_width(Model& model, const Dataset& main) {
  torch::NoGradGuard no_grad;
  const bool training = model.module().is_training();
  model.module().eval();  // no BatchNorm statistics from the probe
  const Batch probe = model.collate({main.get(Split::Train, 0)}, CollateOptions{});
  const auto device = model.module().parameters().empty() ? c10::Device(c10::kCPU)
                                                          : model.module().parameters().front().device();
  const at::Tensor features = model.features(probe.to(device));
  model.module().train(training);
  if (features.dim() != 2) {
    throw InputError(fmt::format("[tasks.*]: the model's features have shape {}, and a task head needs [batch, width]",
                                 fmt::join(features.sizes(), "x")));
  }
  return features.size(1);
}

}  // namespace

TaskHeads::TaskHeads(Model& model, const Dataset& main, const std::vector<AuxiliaryTask>& tasks, std::uint64_t seed)
    : root_(std::make_shared<torch::nn::Module>("TaskHeads")) {
  if (tasks.empty()) return;
  const std::int64_t width = feature_width(model, main);
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  const at::Tensor saved = generator.get_state();
  torch::manual_seed(seed);
  for (const auto& task : tasks) {
    auto head = torch::nn::Linear(width, static_cast<std::int64_t>(task.task.num_classes()));
    root_->register_module(task.name, head);
    heads_.push_back(head.ptr());
    log::info("task {}: a linear head {} -> {} classes on the model's features", task.name, width,
              task.task.num_classes());
  }
  generator.set_state(saved);
}

at::Tensor TaskHeads::logits(std::size_t task, const at::Tensor& features) {
  if (task == 0 || task > heads_.size()) throw std::logic_error("TaskHeads::logits: no auxiliary task " + std::to_string(task));
  return heads_[task - 1]->forward(features);
}

}  // namespace graft::engine
