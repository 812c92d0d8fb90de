#pragma once
// The header of a safetensors file (graft/safetensors.hpp reads and writes whole files): its
// tensors' names, dtypes, shapes and byte ranges, and its metadata. No torch: this is the part
// that checks untrusted bytes, fuzzed on its own.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

}  // namespace graft
