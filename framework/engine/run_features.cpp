#include "engine/run_features.hpp"

#include <utility>

#include "engine/backbone.hpp"

namespace graft::engine {

FeatureCacheOptions feature_cache_options(const TrainSettings& settings, const DevicePolicy& device,
                                          std::filesystem::path folder, std::string identity) {
  FeatureCacheOptions options;
  options.folder = std::move(folder);
  options.identity = std::move(identity);
  options.loader = settings.eval_loader();
  options.device = device.device;
  return options;
}

RunFeatures::RunFeatures(Model& model, const Dataset& dataset, FeatureCacheOptions options, bool enabled,
                         RunRecorder* recorder)
    : model_(model), dataset_(dataset), cache_(std::move(options)), enabled_(enabled), recorder_(recorder) {}

bool RunFeatures::cacheable(Mode mode) const { return enabled_ && !model_.preprocessing_key(mode).empty(); }

const CachedFeatures& RunFeatures::get(Split split, Mode mode) {
  if (!backbone_digest_) backbone_digest_ = backbone_digest(model_);
  const auto& cached = cache_.get(model_, dataset_, split, mode, *backbone_digest_);
  const std::string artifact = std::string("features.") + split_name(split);
  if (recorder_ && !cached.file.empty() && recorded_.insert(artifact).second) {
    recorder_->add_artifact(file_artifact(artifact, cached.file));
  }
  return cached;
}

}  // namespace graft::engine
