#include "engine/run_checkpoints.hpp"

#include <filesystem>
#include <map>
#include <utility>

#include "engine/backbone.hpp"
#include "engine/checkpoint.hpp"
#include "graft/safetensors.hpp"
#include "graft/state_dict.hpp"
#include "graft/storage/epoch_numbers.hpp"

namespace graft::engine {
namespace {

std::string epoch_checkpoint_name(std::int64_t epoch) {
  return "epoch-" + std::to_string(storage::epoch_for_people(epoch));
}

std::map<std::string, std::string> checkpoint_metadata() { return {{"format", "pt"}, {"written_by", "graft"}}; }

std::string metadata_of(const std::filesystem::path& file, const char* key) {
  const auto metadata = read_safetensors_header(file).metadata;
  const auto found = metadata.find(key);
  return found == metadata.end() ? std::string() : found->second;
}

}  // namespace

RunCheckpoints::RunCheckpoints(RunLayout layout, Model& model, torch::nn::Module* task_heads, CheckpointPolicy policy)
    : layout_(std::move(layout)), model_(model), task_heads_(task_heads), policy_(policy) {
  // A resumed run goes on with the backbone file its earlier checkpoints name.
  if (std::filesystem::exists(layout_.shared_backbone())) {
    backbone_id_ = metadata_of(layout_.shared_backbone(), kSafetensorsPartId);
  }
}

std::optional<std::string> RunCheckpoints::shared_backbone(bool backbone_trained) {
  if (backbone_trained || !backbone_frozen(model_)) return std::nullopt;
  // The digest proves the weights are those of the file (a backbone trained for a while and
  // frozen again has others), whatever happened before a resume.
  const std::string id = backbone_digest(model_);
  if (backbone_id_) return *backbone_id_ == id ? backbone_id_ : std::nullopt;
  const auto keys = backbone_state_keys(model_);
  std::map<std::string, at::Tensor> tensors;
  for (auto& [name, tensor] : state_dict(model_.module())) {
    if (keys.count(name)) tensors.emplace(name, std::move(tensor));
  }
  auto metadata = checkpoint_metadata();
  metadata[kSafetensorsPartId] = id;
  std::filesystem::create_directories(layout_.folder);
  save_safetensors(layout_.shared_backbone(), tensors, metadata);
  backbone_id_ = id;
  return backbone_id_;
}

void RunCheckpoints::save(const std::string& name, const std::optional<std::string>& backbone_id) {
  const auto path = layout_.model_checkpoint(name);
  if (backbone_id) {
    const auto keys = backbone_state_keys(model_);
    std::map<std::string, at::Tensor> tensors;
    for (auto& [key, tensor] : state_dict(model_.module())) {
      if (!keys.count(key)) tensors.emplace(key, std::move(tensor));
    }
    auto metadata = checkpoint_metadata();
    metadata[kSafetensorsBaseFile] = layout_.shared_backbone().filename().string();
    metadata[kSafetensorsBaseId] = *backbone_id;
    save_safetensors(path, tensors, metadata);
  } else {
    save_checkpoint(model_.module(), path);
  }
  if (task_heads_) save_checkpoint(*task_heads_, layout_.task_heads_checkpoint(name));
}

void RunCheckpoints::save_epoch(std::int64_t epoch, bool improved, bool backbone_trained) {
  const auto backbone_id = shared_backbone(backbone_trained);
  if (improved) save("best", backbone_id);
  if (policy_ != CheckpointPolicy::Best) save("last", backbone_id);
  if (policy_ == CheckpointPolicy::All) save(epoch_checkpoint_name(epoch), backbone_id);
}

bool RunCheckpoints::load(const std::string& name) {
  if (!std::filesystem::exists(layout_.model_checkpoint(name))) return false;
  load_checkpoint(model_.module(), layout_.model_checkpoint(name));
  if (task_heads_) load_checkpoint(*task_heads_, layout_.task_heads_checkpoint(name));
  return true;
}

void RunCheckpoints::record(RunRecorder& recorder) {
  bool backbone_named = false;
  for (const auto& name : layout_.model_checkpoint_names()) {
    const auto model = layout_.model_checkpoint(name);
    recorder.add_artifact(file_artifact(name, model));
    backbone_named = backbone_named || !metadata_of(model, kSafetensorsBaseFile).empty();
    const auto heads = layout_.task_heads_checkpoint(name);
    if (std::filesystem::exists(heads)) recorder.add_artifact(file_artifact("task_heads." + name, heads));
  }
  if (!std::filesystem::exists(layout_.shared_backbone())) return;
  if (backbone_named) {
    recorder.add_artifact(file_artifact("backbone", layout_.shared_backbone()));
  } else {
    std::filesystem::remove(layout_.shared_backbone());  // written in a frozen epoch, named by none now
  }
}

}  // namespace graft::engine
