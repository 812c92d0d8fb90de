#pragma once
// An epoch of a multi-task run: batches from each task's source in the order the strategy chose
// (Strategy::task_order), each tagged with its task (Batch::extra[batch_keys::kTaskIndex], when there is more
// than one task: a single-task batch stays as its source made it). A task whose
// source runs out starts another pass, a new source from `open` with the next pass number, so
// each pass can be freshly shuffled.
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "engine/batch_loader.hpp"

namespace graft::engine {

class TaskBatches : public BatchSource {
 public:
  // `open(task, pass)`: the batches of one pass over a task's training split.
  using OpenPass = std::function<std::unique_ptr<BatchSource>(std::size_t task, std::size_t pass)>;

  TaskBatches(std::vector<std::size_t> order, std::size_t task_count, OpenPass open);

  std::size_t batch_count() const override { return order_.size(); }
  std::optional<Batch> next() override;
  // The task of the batch next() returned last.
  std::size_t last_task() const { return last_task_; }

 private:
  std::vector<std::size_t> order_;
  OpenPass open_;
  std::size_t position_ = 0;
  std::size_t last_task_ = 0;
  std::vector<std::unique_ptr<BatchSource>> sources_;  // the current pass of each task, opened when first needed
  std::vector<std::size_t> passes_;                     // passes opened so far, by task
};

}  // namespace graft::engine
