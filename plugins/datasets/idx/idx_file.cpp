#include "idx_file.hpp"

#include <zlib.h>

#include <memory>

#include "graft/errors.hpp"

namespace graft::idx {
namespace {

constexpr std::uint8_t kUnsignedByte = 0x08;
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 34;  // refuse absurd headers before allocating

// gzread reads gzipped and plain files alike.
std::vector<std::uint8_t> read_all(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw InputError("no such file: " + path.string());
  std::unique_ptr<gzFile_s, decltype(&gzclose)> file(gzopen(path.c_str(), "rb"), &gzclose);
  if (!file) throw InputError("cannot open " + path.string());
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint8_t> chunk(1 << 20);
  for (;;) {
    const int got = gzread(file.get(), chunk.data(), static_cast<unsigned>(chunk.size()));
    if (got < 0) {
      int code = 0;
      throw InputError(path.string() + ": cannot decompress (" + gzerror(file.get(), &code) + ")");
    }
    if (got == 0) break;
    bytes.insert(bytes.end(), chunk.begin(), chunk.begin() + got);
  }
  return bytes;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

}  // namespace

IdxArray parse_idx(const std::vector<std::uint8_t>& bytes, const std::string& name) {
  if (bytes.size() < 4 || bytes[0] != 0 || bytes[1] != 0) throw InputError(name + ": not an IDX file (bad magic number)");
  if (bytes[2] != kUnsignedByte) {
    throw InputError(name + ": IDX element type 0x" + std::to_string(bytes[2]) + " is not supported (only unsigned bytes)");
  }
  const std::size_t dims = bytes[3];
  if (dims == 0) throw InputError(name + ": IDX file with no dimensions");
  const std::size_t header = 4 + 4 * dims;
  if (bytes.size() < header) throw InputError(name + ": truncated IDX header");
  IdxArray array;
  std::uint64_t elements = 1;
  for (std::size_t d = 0; d < dims; ++d) {
    const std::uint32_t size = big_endian_u32(bytes.data() + 4 + 4 * d);
    array.shape.push_back(size);
    elements *= size;
    if (elements > kMaxElements) throw InputError(name + ": IDX dimensions are implausibly large");
  }
  if (bytes.size() - header != elements) {
    throw InputError(name + ": IDX header promises " + std::to_string(elements) + " bytes of data, the file has " +
                     std::to_string(bytes.size() - header) + (bytes.size() - header < elements ? " (truncated)" : ""));
  }
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return array;
}

IdxArray read_idx(const std::filesystem::path& path) { return parse_idx(read_all(path), path.string()); }

}  // namespace graft::idx
