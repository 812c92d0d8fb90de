#pragma once
// safetensors: the format in which users bring pre-trained weights (Hugging Face folders,
// torchvision state dicts converted with safetensors.torch.save_file). An 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the raw little-endian tensor bytes. Every offset is checked before any byte is read, so a
// truncated or hostile file is an InputError naming the file and the problem, never a crash.
#include <filesystem>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>

#include "graft/export.hpp"
#include "graft/safetensors_header.hpp"

namespace graft {

// Every tensor of the file, by name, on the CPU.
GRAFT_SDK_API std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path);

// Writes tensors (made contiguous, CPU) with optional metadata; atomically (temporary + rename).
GRAFT_SDK_API void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata = {});

}  // namespace graft
