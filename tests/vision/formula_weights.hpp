#pragma once
// Weights and images made by a formula, identical to tests/vision/make_references.py's: real
// pre-trained weights cannot be downloaded here (and VGG16's are 550 MB), so parity with
// torchvision is checked on formula weights whose torchvision logits the script recorded.
// Keep every function in step with its Python namesake.
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graft/safetensors.hpp"

namespace graft::testing {

using Shapes = std::map<std::string, std::vector<std::int64_t>>;

// Value i in [-1, 1) from an integer hash of (i, k): exact 64-bit integer arithmetic, as the
// script's int64 tensor operations.
inline double hashed_uniform(std::uint64_t i, std::uint64_t k) {
  std::uint64_t x = (i * 2654435761ULL + k * 40503ULL + 1ULL) % (1ULL << 32);
  x ^= x >> 16;
  x = (x * 0x45D9F3BULL) % (1ULL << 32);
  x ^= x >> 16;
  return static_cast<double>(x) / 4294967296.0 * 2.0 - 1.0;
}

inline bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The k-th tensor (in sorted name order) of a formula state dict: value i = scale(name, shape)
// applied to hashed_uniform(i, k) in double, cast to float (see the script for the scales).
inline at::Tensor formula_tensor(const std::string& name, const std::vector<std::int64_t>& shape, std::uint64_t k) {
  if (ends_with(name, "num_batches_tracked")) return torch::zeros(shape, torch::kInt64);
  at::Tensor tensor = torch::empty(shape, torch::kFloat32);
  const auto numel = static_cast<std::uint64_t>(tensor.numel());
  float* values = tensor.data_ptr<float>();
  const auto fill = [&](auto&& scale) {
    for (std::uint64_t i = 0; i < numel; ++i) values[i] = static_cast<float>(scale(hashed_uniform(i, k)));
  };
  if (ends_with(name, "running_var")) {
    fill([](double u) { return 2.0 + 1.0 * u; });
  } else if (ends_with(name, "running_mean")) {
    fill([](double u) { return 0.1 * u; });
  } else if (shape.size() >= 2) {
    const double amplitude = std::sqrt(6.0 / static_cast<double>(numel / static_cast<std::uint64_t>(shape[0])));
    fill([amplitude](double u) { return amplitude * u; });
  } else if (ends_with(name, "weight")) {
    fill([](double u) { return 1.0 + 0.2 * u; });
  } else {
    fill([](double u) { return 0.1 * u; });
  }
  return tensor;
}

inline std::map<std::string, at::Tensor> formula_state_dict(const Shapes& shapes) {
  std::map<std::string, at::Tensor> tensors;
  std::uint64_t k = 0;
  for (const auto& [name, shape] : shapes)
    tensors.emplace(name, formula_tensor(name, shape, k++));  // sorted: k as in Python
  return tensors;
}

inline Shapes shapes_of(const std::map<std::string, at::Tensor>& tensors) {
  Shapes shapes;
  for (const auto& [name, tensor] : tensors) shapes.emplace(name, tensor.sizes().vec());
  return shapes;
}

// A .safetensors file of formula weights for these names and shapes (e.g. shapes_of(a model's
// state_dict())), to give a model as `pretrained`.
inline void write_formula_weights(const std::filesystem::path& path, const Shapes& shapes) {
  save_safetensors(path, formula_state_dict(shapes));
}

// A uint8 RGB image [3, H, W] from integers only.
inline at::Tensor formula_image(std::int64_t height, std::int64_t width) {
  const auto y = torch::arange(height, torch::kInt64).view({1, height, 1});
  const auto x = torch::arange(width, torch::kInt64).view({1, 1, width});
  const auto c = torch::arange(3, torch::kInt64).view({3, 1, 1});
  return ((x * (c + 1) * 3 + y * 5 + torch::div(x * y, 16, "floor") + 40 * c) % 256).to(torch::kUInt8);
}

}  // namespace graft::testing
