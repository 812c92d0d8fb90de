#include "engine/device_policy.hpp"

#include <torch/cuda.h>

#include "graft/errors.hpp"

namespace graft::engine {

DevicePolicy DevicePolicy::resolve(const std::string& wanted) {
  if (wanted == "cpu") return DevicePolicy{c10::Device(c10::kCPU)};
  const bool has_cuda = torch::cuda::is_available();
  if (wanted == "cuda" && !has_cuda) {
    throw InputError("train.device = \"cuda\", but this LibTorch sees no CUDA device (use \"auto\" or \"cpu\")");
  }
  return DevicePolicy{has_cuda ? c10::Device(c10::kCUDA) : c10::Device(c10::kCPU)};
}

}  // namespace graft::engine
