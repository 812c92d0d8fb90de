#include "engine/run_checkpoints.hpp"

#include <filesystem>
#include <utility>

#include "engine/checkpoint.hpp"

namespace graft::engine {

RunCheckpoints::RunCheckpoints(RunLayout layout, torch::nn::Module& model, torch::nn::Module* task_heads)
    : layout_(std::move(layout)), model_(model), task_heads_(task_heads) {}

void RunCheckpoints::save(const std::string& name) {
  save_checkpoint(model_, layout_.model_checkpoint(name));
  if (task_heads_) save_checkpoint(*task_heads_, layout_.task_heads_checkpoint(name));
}

bool RunCheckpoints::load(const std::string& name) {
  if (!std::filesystem::exists(layout_.model_checkpoint(name))) return false;
  load_checkpoint(model_, layout_.model_checkpoint(name));
  if (task_heads_) load_checkpoint(*task_heads_, layout_.task_heads_checkpoint(name));
  return true;
}

void RunCheckpoints::record(RunRecorder& recorder) const {
  for (const char* name : {"best", "last"}) {
    const auto model = layout_.model_checkpoint(name);
    if (std::filesystem::exists(model)) recorder.add_artifact(file_artifact(name, model));
  }
  for (const char* name : {"best", "last"}) {
    const auto heads = layout_.task_heads_checkpoint(name);
    if (std::filesystem::exists(heads)) recorder.add_artifact(file_artifact(std::string("task_heads.") + name, heads));
  }
}

}  // namespace graft::engine
