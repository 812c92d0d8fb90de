#pragma once
// One trial trained by every rank of a data-parallel job (docs/distributed.md): the c10d process
// group of the trial and the TrainingHooks that make the loop data-parallel over it (each rank's
// share of the batches, gradients averaged per optimizer step, metrics summed, rank 0's weights
// shared, results written by rank 0 alone).
#include <cstdint>
#include <memory>
#include <string>

#include <torch/nn/module.h>

#include "distributed/gradient_averaging.hpp"
#include "distributed/process_group.hpp"
#include "engine/train_settings.hpp"
#include "engine/training_hooks.hpp"

namespace graft::engine {

class DataParallelTrial {
 public:
  // Forms the trial's process group (`name`: unique in the job) and checks that every rank
  // resolved the same trial (`config_hash`): InputError on every rank when one differs. With
  // sync_batchnorm, the graft::BatchNorm2d layers of `model` normalise over every rank's
  // examples until the trial ends.
  DataParallelTrial(distributed::Rendezvous& rendezvous, const std::string& name, const TrainSettings& settings,
                    bool cuda, const std::string& config_hash, torch::nn::Module& model);
  ~DataParallelTrial();
  DataParallelTrial(const DataParallelTrial&) = delete;
  DataParallelTrial& operator=(const DataParallelTrial&) = delete;

  int rank() const { return group_->rank(); }
  int size() const { return group_->size(); }
  const std::string& backend() const { return group_->backend(); }
  // Rank 0's value of `value` on every rank (its run id, say).
  std::int64_t from_primary(std::int64_t value);
  // Hooks that train, evaluate and record as one process over the whole data would.
  TrainingHooks hooks();
  const distributed::CommunicationStats& communication() const { return averaging_->stats(); }

 private:
  std::unique_ptr<distributed::ProcessGroup> group_;
  std::unique_ptr<distributed::ProcessGroup> gradient_group_;
  std::unique_ptr<distributed::GradientAveraging> averaging_;
  bool synchronises_batch_norm_ = false;
};

// InputError unless `batch_size` (the global batch) splits evenly over `ranks`.
void check_batch_split(std::size_t batch_size, int ranks);

}  // namespace graft::engine
