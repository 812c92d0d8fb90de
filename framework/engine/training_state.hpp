#pragma once
// Everything a run needs to go on exactly where its last completed epoch ended: the model's
// weights and buffers, the optimizer's state (moments, step counts), LibTorch's CPU random
// generator (dropout), the step counter and what the trainer tracks across epochs (monitored
// metric history, best epoch, early stopping). Data order and augmentation need nothing: they
// are drawn from the seed and the epoch number. Written after each epoch's metrics are in the
// store, to a temporary file renamed into place, so a killed process leaves the previous state.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>

#include "engine/early_stopping.hpp"

namespace graft::engine {

struct TrainingState {
  std::int64_t epochs_done = 0;
  std::int64_t step = 0;
  std::int64_t skipped_batches = 0;
  std::vector<double> metric_history;
  std::optional<double> best_monitored;
  std::optional<std::int64_t> best_epoch;
  std::map<std::string, double> best_measured;
  EarlyStopping::State early_stopping;
  bool stopped_early = false;
};

// `task_heads`: the heads of a multi-task run's further tasks (task_heads.hpp), when it has any.
void save_training_state(const std::filesystem::path& path, const TrainingState& state,
                         const torch::nn::Module& model, torch::optim::Optimizer& optimizer,
                         const torch::nn::Module* task_heads = nullptr);

// The optimizer step the state was saved at, without restoring anything.
std::int64_t training_state_step(const std::filesystem::path& path);

// Restores the model, the optimizer and the random generator; returns the rest. InputError
// naming the file when it is missing or damaged.
TrainingState load_training_state(const std::filesystem::path& path, torch::nn::Module& model,
                                  torch::optim::Optimizer& optimizer, torch::nn::Module* task_heads = nullptr);

}  // namespace graft::engine
