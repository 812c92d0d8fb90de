#pragma once
// IDX files (the MNIST family's format), plain or gzipped: a big-endian header (two zero bytes,
// a type code, the number of dimensions, each dimension as uint32) followed by the data.
// Only unsigned bytes (type 0x08) are read: what every MNIST-style image and label file holds.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace graft::idx {

struct IdxArray {
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> data;  // row-major, product(shape) bytes
};

// Throws InputError naming the file for a missing, truncated or malformed file.
IdxArray read_idx(const std::filesystem::path& path);

// Parses bytes already in memory; `name` is what errors call the source.
IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& name);

}  // namespace graft::idx
