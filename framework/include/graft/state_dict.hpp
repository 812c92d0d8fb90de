#pragma once
// State dicts: a module's parameters and buffers by PyTorch's dotted names (`layer1.0.conv1.weight`,
// `bn1.running_mean`, `bn1.num_batches_tracked`). LibTorch names submodules as PyTorch does, so a
// torchvision state dict saved with safetensors.torch.save_file loads into a network built with
// the same structure, and a graft checkpoint (state_dict() + save_safetensors()) loads back the
// same way as `pretrained` weights.
#include <functional>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include "graft/export.hpp"

namespace graft {

// Every parameter and buffer of `module` and its submodules, sorted by name. The tensors are
// detached but share storage with the module (as PyTorch's state_dict()): copy them to keep them.
GRAFT_SDK_API std::map<std::string, at::Tensor> state_dict(const torch::nn::Module& module);

// What load_state_dict may do besides copying every tensor by name.
struct StateDictLoadOptions {
  // Where the tensors come from, at the start of every error ("resnet.pretrained = w.safetensors").
  std::string source = "state dict";
  // Names neither loaded nor reported as missing or unexpected (a head replaced for new classes):
  // the module keeps its own values for them.
  std::function<bool(const std::string& name)> skip;
  // Applied to a tensor of the file before its shape is checked (summing a first conv's RGB
  // filters for grayscale input). Returns the tensor to load.
  std::function<at::Tensor(const std::string& name, const at::Tensor& tensor)> transform;
};

// Copies `tensors` into the module's parameters and buffers. Strict: every name of the module
// must be there and nothing else (InputError listing up to five of each), every shape must match
// (InputError naming the tensor and both shapes); nothing is copied unless everything fits.
// Tolerates the `module.` prefix of DataParallel checkpoints; converts F16 / BF16 / F64 tensors to
// the parameter's type.
GRAFT_SDK_API void load_state_dict(torch::nn::Module& module, const std::map<std::string, at::Tensor>& tensors,
                                   const StateDictLoadOptions& options = {});

// `tensors` without the `module.` prefix that DataParallel adds to every name (when every name
// has it); otherwise unchanged.
GRAFT_SDK_API std::map<std::string, at::Tensor> without_data_parallel_prefix(
    const std::map<std::string, at::Tensor>& tensors);

}  // namespace graft
