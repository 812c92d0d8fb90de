#include "task_order.hpp"

#include <cmath>

namespace graft::strategies {

std::vector<std::size_t> round_robin_order(const std::vector<TaskInfo>& tasks) {
  std::vector<std::size_t> turn = {0};
  for (std::size_t task = 1; task < tasks.size(); ++task)
    if (tasks[task].weight > 0) turn.push_back(task);
  std::vector<std::size_t> order;
  order.reserve(tasks.front().train_batches * turn.size());
  for (std::size_t batch = 0; batch < tasks.front().train_batches; ++batch) order.insert(order.end(), turn.begin(), turn.end());
  return order;
}

std::vector<std::size_t> weighted_order(const std::vector<TaskInfo>& tasks, double main_weight) {
  std::vector<double> weights = {main_weight};
  for (std::size_t task = 1; task < tasks.size(); ++task) weights.push_back(tasks[task].weight);
  double total = 0;
  for (double weight : weights) total += weight;
  // As many batches as make the main task's share one pass over it.
  const auto length = static_cast<std::size_t>(
      std::llround(static_cast<double>(tasks.front().train_batches) * total / main_weight));
  std::vector<double> current(weights.size(), 0.0);
  std::vector<std::size_t> order;
  order.reserve(length);
  while (order.size() < length) {
    std::size_t chosen = 0;
    for (std::size_t task = 0; task < weights.size(); ++task) {
      current[task] += weights[task];
      if (current[task] > current[chosen]) chosen = task;
    }
    current[chosen] -= total;
    order.push_back(chosen);
  }
  return order;
}

}  // namespace graft::strategies
