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

// A file in two parts: graft writes a run's frozen backbone once, as a base file beside its
// checkpoints, and each checkpoint with the other tensors and these metadata: the base's file name
// (in the same folder) and its id, which the base carries as kSafetensorsPartId. Other tools read
// such a checkpoint as the base's tensors updated with the checkpoint's.
inline constexpr const char* kSafetensorsBaseFile = "graft.base_file";
inline constexpr const char* kSafetensorsBaseId = "graft.base_id";
inline constexpr const char* kSafetensorsPartId = "graft.part_id";

// Every tensor of the file, by name, on the CPU; with the base's tensors when the file names one
// (an InputError when the base is missing or holds other weights than the file was written with).
GRAFT_SDK_API std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path);

// The header alone (names, shapes, metadata), without reading the tensors.
GRAFT_SDK_API SafetensorsHeader read_safetensors_header(const std::filesystem::path& path);

// Writes tensors (made contiguous, CPU) with optional metadata; atomically (temporary + rename).
GRAFT_SDK_API void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata = {});

}  // namespace graft
