#include "engine/backbone.hpp"

#include <torch/torch.h>

#include "graft/hash.hpp"
#include "graft/state_dict.hpp"

namespace graft::engine {
namespace {

std::vector<LayerGroup> backbone_groups(Model& model) {
  auto groups = model.layer_groups();
  if (!groups.empty()) groups.pop_back();  // the head
  return groups;
}

bool in_eval_mode(const torch::nn::Module& module) {
  if (module.is_training()) return false;
  for (const auto& child : module.modules(/*include_self=*/false)) {
    if (child->is_training()) return false;
  }
  return true;
}

void hash_tensors(Sha256& hash, const std::string& prefix, const torch::OrderedDict<std::string, at::Tensor>& tensors) {
  for (const auto& item : tensors) {
    const at::Tensor data = item.value().detach().to(torch::kCPU).contiguous();
    hash.update(prefix + item.key() + ":" + std::string(c10::toString(data.scalar_type())) + ":" +
                c10::str(data.sizes()) + ";");
    hash.update(data.data_ptr(), data.nbytes());
  }
}

}  // namespace

bool backbone_frozen(Model& model) {
  const auto groups = backbone_groups(model);
  if (groups.empty()) return false;  // a model that is all head has no backbone to freeze
  for (const auto& group : groups) {
    for (const auto& parameter : group.parameters()) {
      if (parameter.requires_grad()) return false;
    }
    for (const auto& module : group.modules) {
      if (!in_eval_mode(*module)) return false;
    }
  }
  return true;
}

std::string backbone_digest(Model& model) {
  Sha256 hash;
  for (const auto& group : backbone_groups(model)) {
    std::size_t index = 0;
    for (const auto& module : group.modules) {
      const std::string prefix = group.name + "/" + std::to_string(index++) + "/";
      hash_tensors(hash, prefix + "p/", module->named_parameters(/*recurse=*/true));
      hash_tensors(hash, prefix + "b/", module->named_buffers(/*recurse=*/true));
    }
  }
  return hash.hex();
}

std::set<std::string> backbone_state_keys(Model& model) {
  // The state dict names tensors by the whole model's paths; the groups hold the modules. A
  // tensor's storage tells which entries the groups' modules own.
  std::set<const void*> owned;
  for (const auto& group : backbone_groups(model)) {
    for (const auto& module : group.modules) {
      for (const auto& item : module->named_parameters(/*recurse=*/true)) owned.insert(item.value().data_ptr());
      for (const auto& item : module->named_buffers(/*recurse=*/true)) owned.insert(item.value().data_ptr());
    }
  }
  std::set<std::string> keys;
  for (const auto& [name, tensor] : state_dict(model.module())) {
    if (tensor.numel() > 0 && owned.count(tensor.data_ptr())) keys.insert(name);
  }
  return keys;
}

}  // namespace graft::engine
