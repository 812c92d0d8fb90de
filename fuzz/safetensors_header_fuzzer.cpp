// libFuzzer target: any bytes as the start of a .safetensors file. The parser must either return
// a header whose every range lies inside the file, or throw graft::InputError; anything else (a
// crash, a sanitizer report, another exception) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "graft/errors.hpp"
#include "graft/safetensors_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto header = graft::parse_safetensors_header(data, size, size, "fuzz.safetensors");
    for (const auto& tensor : header.tensors) {
      if (tensor.begin > tensor.end || header.data_offset + tensor.end > size) std::abort();
    }
  } catch (const graft::InputError&) {
  }
  return 0;
}
