#pragma once
// safetensors: the format in which users bring pre-trained weights (Hugging Face folders,
// torchvision state dicts converted with safetensors.torch.save_file). An 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then the raw little-endian tensor bytes. Every offset is checked before any byte is read, so a
// truncated or hostile file is an InputError naming the file and the problem, never a crash.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "graft/export.hpp"

namespace graft {

struct SafetensorsEntry {
  std::string name;
  std::string dtype;                // "F32", "F16", "BF16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL"
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;          // byte offsets into the data section
  std::uint64_t end = 0;
};

struct SafetensorsHeader {
  std::vector<SafetensorsEntry> tensors;       // in file order of their data
  std::map<std::string, std::string> metadata;
  std::uint64_t data_offset = 0;               // where the data section starts in the file
};

// Parses and validates the header from the first bytes of a file of `file_size` bytes (`bytes`
// may hold the whole file or at least 8 + header length). No torch: the part worth fuzzing.
GRAFT_SDK_API SafetensorsHeader parse_safetensors_header(const std::uint8_t* bytes, std::size_t size,
                                                         std::uint64_t file_size, const std::string& name);

// Every tensor of the file, by name, on the CPU.
GRAFT_SDK_API std::map<std::string, at::Tensor> load_safetensors(const std::filesystem::path& path);

// Writes tensors (made contiguous, CPU) with optional metadata; atomically (temporary + rename).
GRAFT_SDK_API void save_safetensors(const std::filesystem::path& path, const std::map<std::string, at::Tensor>& tensors,
                                    const std::map<std::string, std::string>& metadata = {});

}  // namespace graft
