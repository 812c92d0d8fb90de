#include "graft/batch.hpp"

#include <ATen/ATen.h>

namespace graft {
namespace {

// SplitMix64's finaliser: spreads nearby inputs (consecutive positions) over all 64 bits.
std::uint64_t mix(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ULL;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

}  // namespace

std::uint64_t CollateOptions::example_seed(std::size_t position) const {
  if (position < example_seeds.size()) return example_seeds[position];
  return mix(seed ^ mix(static_cast<std::uint64_t>(position)));
}

Batch Batch::to(c10::Device device) const {
  Batch moved;
  moved.inputs = inputs.defined() ? inputs.to(device) : inputs;
  moved.labels = labels.defined() ? labels.to(device) : labels;
  for (const auto& [name, tensor] : extra) moved.extra[name] = tensor.defined() ? tensor.to(device) : tensor;
  return moved;
}

}  // namespace graft
