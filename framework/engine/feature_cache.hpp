#pragma once
// Backbone features computed once per split and reused while the backbone is frozen.
//
// When a strategy freezes the whole backbone (backbone.hpp) and the model's preprocessing in a
// mode is deterministic (a non-empty Model::preprocessing_key), the backbone maps each example to
// the same features every epoch: computing them once and training the head on them gives the
// same result for a fraction of the cost. Features are kept in memory and as a safetensors file
// under the store's cache folder, named by a key over everything they depend on (plugins and
// their versions, dataset params and seed, split, preprocessing, backbone weights), so later runs
// with the same backbone, weights, data and preprocessing reuse them.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "engine/batch_loader.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"

namespace graft::engine {

// The features of a whole split, in the dataset's order, and their labels.
struct CachedFeatures {
  at::Tensor features;  // [N, ...] on the CPU
  at::Tensor labels;    // int64 [N]
  std::filesystem::path file;
  bool reused = false;  // read from a file an earlier run wrote
};

struct FeatureCacheOptions {
  std::filesystem::path folder;  // empty: keep in memory only
  std::string identity;          // plugins, versions, dataset params and seed: see trainer
  LoaderOptions loader;          // for computing: batch size, threads (mode and seed are set here)
  c10::Device device = c10::kCPU;
};

class FeatureCache {
 public:
  explicit FeatureCache(FeatureCacheOptions options);

  // Features of `split` collated in `mode`. The caller guarantees backbone_frozen(model) and a
  // non-empty model.preprocessing_key(mode); `backbone` is backbone_digest(model).
  const CachedFeatures& get(Model& model, const Dataset& dataset, Split split, Mode mode, const std::string& backbone);

 private:
  CachedFeatures compute(Model& model, const Dataset& dataset, Split split, Mode mode) const;

  FeatureCacheOptions options_;
  std::map<std::string, CachedFeatures> loaded_;  // by key
};

// Batches of cached features in the given order, cut as a BatchLoader would cut them: the
// batch's `inputs` are the features, for Model::head.
class CachedBatches : public BatchSource {
 public:
  CachedBatches(const CachedFeatures& cached, std::vector<std::size_t> order, Batching batching);
  std::size_t batch_count() const override { return batch_count_; }
  std::optional<Batch> next() override;

 private:
  const CachedFeatures& cached_;
  std::vector<std::int64_t> order_;
  Batching batching_;
  std::size_t batch_count_;
  std::size_t next_ = 0;
};

}  // namespace graft::engine
