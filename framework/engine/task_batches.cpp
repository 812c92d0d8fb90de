#include "engine/task_batches.hpp"

#include <stdexcept>
#include <string>

#include <torch/torch.h>

#include "graft/strategy.hpp"

namespace graft::engine {

TaskBatches::TaskBatches(std::vector<std::size_t> order, std::size_t task_count, OpenPass open)
    : order_(std::move(order)), open_(std::move(open)), sources_(task_count), passes_(task_count, 0) {
  for (std::size_t task : order_) {
    if (task >= task_count) {
      throw std::logic_error("the strategy's task order names task " + std::to_string(task) + " of " +
                             std::to_string(task_count));
    }
  }
}

std::optional<Batch> TaskBatches::next() {
  if (position_ == order_.size()) return std::nullopt;
  const std::size_t task = order_[position_++];
  auto& source = sources_[task];
  std::optional<Batch> batch = source ? source->next() : std::nullopt;
  if (!batch) {
    source.reset();  // its loader threads stop before the next pass starts its own
    source = open_(task, passes_[task]++);
    batch = source->next();
    if (!batch) throw std::logic_error("task " + std::to_string(task) + " has no training batches");
  }
  last_task_ = task;
  if (sources_.size() > 1) batch->extra[batch_keys::kTaskIndex] = torch::tensor(static_cast<std::int64_t>(task), torch::kInt64);
  return batch;
}

}  // namespace graft::engine
