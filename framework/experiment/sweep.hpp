#pragma once
// Sweep expansion: the cartesian product of the axes (first axis slowest) times the repeats
// (innermost), each point a named, seeded, canonicalised Trial.
#include <vector>

#include "experiment/plan.hpp"

namespace graft::experiment {

std::vector<Trial> expand(const Plan& plan);

}  // namespace graft::experiment
