#pragma once
// How strategy `multitask` interleaves the tasks' batches in an epoch. An epoch is one pass over
// the main task (task 0); the other tasks' batches come between the main batches. Tasks of
// weight 0 get no batches (they are still evaluated). No torch here, so it is tested alone.
#include <cstddef>
#include <vector>

#include "graft/strategy.hpp"

namespace graft::strategies {

// One batch of each task of positive weight in turn, the main task first: main, a, b, main, a, b...
std::vector<std::size_t> round_robin_order(const std::vector<TaskInfo>& tasks);

// Smooth weighted round robin (nginx's): each task's share of the batches is its weight over the
// sum of the weights, spread as evenly as the shares allow, with as many batches as make the main
// task's share one pass over it (exactly, when the weights' ratios fit the batch count; else the
// main task's count is rounded). Deterministic: every epoch has the same order.
std::vector<std::size_t> weighted_order(const std::vector<TaskInfo>& tasks, double main_weight);

}  // namespace graft::strategies
