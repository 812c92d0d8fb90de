#include "graft/strategy.hpp"

#include <torch/nn/functional/loss.h>

#include "graft/errors.hpp"

namespace graft {

Strategy::~Strategy() = default;

void Strategy::on_epoch_start(Model&, int, int) {}

at::Tensor Strategy::loss(Model&, const Batch& batch, const at::Tensor& logits) {
  return torch::nn::functional::cross_entropy(logits, batch.labels);
}

void Strategy::set_tasks(const std::vector<TaskInfo>& tasks) {
  if (tasks.size() > 1) {
    throw InputError("this strategy trains a single task, and the experiment declares " +
                     std::to_string(tasks.size() - 1) +
                     " more in [tasks.*] tables: use strategy multitask, or remove them");
  }
  tasks_ = tasks;
}

std::vector<std::size_t> Strategy::task_order(int) {
  return std::vector<std::size_t>(tasks_.empty() ? 0 : tasks_.front().train_batches, 0);
}

}  // namespace graft
