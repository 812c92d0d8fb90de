// libFuzzer target: any bytes as an IDX file. parse_idx must either return an array whose data
// holds exactly product(shape) bytes, or throw graft::InputError.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "graft/errors.hpp"
#include "idx_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto array = graft::idx::parse_idx(std::vector<std::uint8_t>(data, data + size), "fuzz.idx");
    std::uint64_t elements = 1;
    for (auto dimension : array.shape) elements *= static_cast<std::uint64_t>(dimension);
    if (elements != array.data.size()) std::abort();
  } catch (const graft::InputError&) {
  }
  return 0;
}
