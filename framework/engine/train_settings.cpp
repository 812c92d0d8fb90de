#include "engine/train_settings.hpp"

#include <algorithm>

namespace graft::engine {

TrainSettings TrainSettings::from(const Params& train) {
  TrainSettings settings;
  settings.table = train;
  settings.epochs = train.get_int("epochs");
  settings.batch_size = static_cast<std::size_t>(train.get_int("batch_size"));
  settings.eval_batch_size = static_cast<std::size_t>(train.get_int("eval_batch_size"));
  settings.drop_last = train.get_bool("drop_last");
  settings.lr = train.get_float("lr");
  settings.accumulate = static_cast<std::size_t>(std::max<std::int64_t>(1, train.get_int("accumulate")));
  settings.bucket_by_length = train.get_bool("bucket_by_length");
  settings.grad_clip_norm = train.get_float("grad_clip_norm");
  settings.threads = static_cast<int>(train.get_int("threads"));
  settings.loader_threads = static_cast<int>(train.get_int("loader_threads"));
  settings.prefetch_batches = static_cast<int>(train.get_int("prefetch_batches"));
  settings.device = train.get_string("device");
  settings.distributed_backend = train.get_string("distributed_backend");
  settings.distributed_timeout_s = train.get_int("distributed_timeout");
  settings.sync_batchnorm = train.get_bool("sync_batchnorm");
  settings.gradient_bucket_bytes = static_cast<std::size_t>(train.get_float("gradient_bucket_mb") * (1 << 20));
  settings.overlap_gradient_sync = train.get_bool("overlap_gradient_sync");
  settings.monitor = train.get_string("monitor");
  settings.early_stopping = EarlyStoppingOptions::from(train);
  settings.test_every_epoch = train.get_bool("test_every_epoch");
  settings.feature_cache = train.get_bool("feature_cache");
  settings.log_every_steps = train.get_int("log_every_steps");
  settings.skip_nonfinite_loss = train.get_string("on_nonfinite_loss") == "skip";
  const std::string checkpoints = train.get_string("checkpoints");
  settings.checkpoints = checkpoints == "best"  ? CheckpointPolicy::Best
                         : checkpoints == "all" ? CheckpointPolicy::All
                                                : CheckpointPolicy::BestAndLast;
  settings.keep_state = train.get_bool("keep_state");
  return settings;
}

LoaderOptions TrainSettings::loader(std::size_t batch, Mode mode, std::uint64_t seed, bool drop) const {
  LoaderOptions options;
  options.batch_size = batch;
  options.drop_last = drop;
  options.mode = mode;
  options.seed = seed;
  options.threads = loader_threads;
  options.prefetch = prefetch_batches;
  return options;
}

std::int64_t TrainSettings::optimizer_steps_for_batches(std::size_t epoch_batches) const {
  const auto batches = static_cast<std::int64_t>(epoch_batches);
  const auto per_step = static_cast<std::int64_t>(accumulate);
  return std::max<std::int64_t>(1, (batches + per_step - 1) / per_step);
}

std::int64_t TrainSettings::optimizer_steps_per_epoch(std::size_t examples) const {
  return optimizer_steps_for_batches(training_batching().batch_count(examples));
}

std::int64_t optimizer_steps_per_epoch(const Params& train, std::size_t examples) {
  return TrainSettings::from(train).optimizer_steps_per_epoch(examples);
}

}  // namespace graft::engine
