#pragma once
// Where a trial computes: the device of [train] device, resolved once per trial. The trainer,
// the evaluator and the LR finder move batches and modules through this one object, so the GPU
// work (precision, autocast, loss scaling) has one place to go.
#include <string>

#include <c10/core/Device.h>

#include "graft/batch.hpp"

namespace graft::engine {

struct DevicePolicy {
  c10::Device device = c10::Device(c10::kCPU);

  // "auto" picks CUDA when LibTorch sees one; "cuda" without one is bad input (InputError).
  static DevicePolicy resolve(const std::string& wanted);

  Batch to_device(const Batch& batch) const { return batch.to(device); }
};

}  // namespace graft::engine
