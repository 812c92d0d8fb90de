#pragma once
// Model checkpoints: the module's state dict (parameters and buffers by PyTorch's dotted names)
// as a safetensors file, the format users bring pre-trained weights in, so a graft checkpoint is
// itself usable as a model's `pretrained` (`run:NAME`) or `graft predict --weights`. Written to a
// temporary file and renamed into place, so a crash never leaves a torn checkpoint.
#include <filesystem>
#include <string>

#include <torch/nn/module.h>

namespace graft::engine {

// "best" -> "best.safetensors": the file name of a named checkpoint in a run folder.
std::string checkpoint_file(const std::string& name);

void save_checkpoint(const torch::nn::Module& module, const std::filesystem::path& path);
// Throws InputError naming the file when it is missing, damaged, or not a checkpoint of this module.
void load_checkpoint(torch::nn::Module& module, const std::filesystem::path& path);

}  // namespace graft::engine
