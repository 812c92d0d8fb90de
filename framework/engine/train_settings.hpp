#pragma once
// The resolved [train] table, read once into types (the one place that knows its keys, besides
// the optimizer's own settings, which ScaledOptimizer reads from the same table). Everything the
// engine does with [train] goes through this struct.
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/batch_loader.hpp"
#include "engine/early_stopping.hpp"
#include "graft/params.hpp"

namespace graft::engine {

// [train] checkpoints: which model checkpoints a run keeps.
enum class CheckpointPolicy {
  Best,         // "best": the monitored metric's epoch only
  BestAndLast,  // "best+last"
  All,          // "all": also every epoch's, epoch-N
};

struct TrainSettings {
  Params table;  // the resolved [train] table: ScaledOptimizer reads its optimizer keys from it

  std::int64_t epochs = 10;
  std::string distributed_backend = "auto";
  std::int64_t distributed_timeout_s = 300;
  bool sync_batchnorm = false;
  std::size_t gradient_bucket_bytes = 25u << 20;
  bool overlap_gradient_sync = true;
  std::size_t batch_size = 64;
  std::size_t eval_batch_size = 256;
  bool drop_last = true;
  double lr = 1e-3;
  std::size_t accumulate = 1;
  bool bucket_by_length = false;
  double grad_clip_norm = 0;  // 0: off
  int threads = 0;            // 0: the caller's default (resolve_threads)
  int loader_threads = 2;
  int prefetch_batches = 4;
  std::string device = "auto";
  std::string monitor = "val.accuracy";
  EarlyStoppingOptions early_stopping;
  bool test_every_epoch = false;
  bool feature_cache = true;
  std::int64_t log_every_steps = 50;
  bool skip_nonfinite_loss = false;  // on_nonfinite_loss = "skip"
  CheckpointPolicy checkpoints = CheckpointPolicy::BestAndLast;
  bool keep_state = false;  // keep state.pt once the run has completed

  static TrainSettings from(const Params& train);

  // How training batches are cut: batch_size, drop_last.
  Batching training_batching() const { return Batching{batch_size, drop_last}; }
  // Loader settings (threads, prefetch) for one pass over a split.
  LoaderOptions loader(std::size_t batch, Mode mode, std::uint64_t seed, bool drop) const;
  // An evaluation pass: eval_batch_size, in order, nothing dropped.
  LoaderOptions eval_loader() const { return loader(eval_batch_size, Mode::Eval, 0, false); }
  // Optimizer steps in an epoch of `epoch_batches` batches, `accumulate` of them per step (the
  // last step may take fewer; never zero).
  std::int64_t optimizer_steps_for_batches(std::size_t epoch_batches) const;
  // The same for an epoch over `examples` training examples of a single task.
  std::int64_t optimizer_steps_per_epoch(std::size_t examples) const;
};

// TrainSettings::from(train).optimizer_steps_per_epoch(examples).
std::int64_t optimizer_steps_per_epoch(const Params& train, std::size_t examples);

}  // namespace graft::engine
