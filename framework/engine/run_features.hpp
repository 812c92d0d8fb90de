#pragma once
// The cached backbone features of one training run: which splits and modes may be cached (the
// cache is on and the model's preprocessing in that mode is deterministic), the digest of the
// current backbone weights (computed once while the weights hold), and each cache file recorded
// once as an artifact of the run.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "engine/device_policy.hpp"
#include "engine/feature_cache.hpp"
#include "engine/run_recorder.hpp"
#include "engine/train_settings.hpp"

namespace graft::engine {

// Cache settings of a trial: eval batches of [train], on the trial's device, in `folder` (empty:
// memory only), keyed by `identity` (trial_preparation.hpp: feature_identity).
FeatureCacheOptions feature_cache_options(const TrainSettings& settings, const DevicePolicy& device,
                                          std::filesystem::path folder, std::string identity);

class RunFeatures {
 public:
  // `recorder`: where cache files are recorded as artifacts; null records nothing.
  RunFeatures(Model& model, const Dataset& dataset, FeatureCacheOptions options, bool enabled, RunRecorder* recorder);

  // Features of the frozen backbone may be cached in `mode`.
  bool cacheable(Mode mode) const;
  // The features of `split` in `mode`; the caller has checked backbone_frozen and cacheable(mode).
  const CachedFeatures& get(Split split, Mode mode);
  // The backbone's weights changed (an epoch trained it, a checkpoint was loaded).
  void weights_changed() { backbone_digest_.reset(); }

 private:
  Model& model_;
  const Dataset& dataset_;
  FeatureCache cache_;
  bool enabled_;
  RunRecorder* recorder_;
  std::optional<std::string> backbone_digest_;  // of the current backbone weights, while they hold
  std::set<std::string> recorded_;              // artifact names recorded so far
};

}  // namespace graft::engine
