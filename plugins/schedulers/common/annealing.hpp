#pragma once
// The cosine curve of CosineAnnealingLR, shared by `cosine` and `cosine_restarts`, written as
// PyTorch's closed form writes it so that the LRs agree to rounding.
#include <cmath>

namespace graft::schedulers {

constexpr double kPi = 3.14159265358979323846;

// The factor (LR / base_lr) at `elapsed` of `length`, from base_lr down to the absolute LR
// eta_min. Past `length` the cosine climbs back, as PyTorch's does. With a base LR of 0 there is
// nothing to anneal: factor 1.
inline double cosine_factor_to_floor(double elapsed, double length, double eta_min, double base_lr) {
  if (base_lr <= 0) return 1.0;
  const double lr = eta_min + (base_lr - eta_min) * (1 + std::cos(kPi * elapsed / length)) / 2;
  return lr / base_lr;
}

}  // namespace graft::schedulers
