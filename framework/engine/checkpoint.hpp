#pragma once
// Model checkpoints: the module's parameters and buffers in LibTorch's archive format, written
// to a temporary file and renamed into place so a crash never leaves a torn checkpoint.
#include <filesystem>

#include <torch/nn/module.h>

namespace graft::engine {

void save_checkpoint(const torch::nn::Module& module, const std::filesystem::path& path);
// Throws InputError naming the file when it is missing or not a checkpoint of this module.
void load_checkpoint(torch::nn::Module& module, const std::filesystem::path& path);

}  // namespace graft::engine
