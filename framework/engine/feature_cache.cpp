#include "engine/feature_cache.hpp"

#include <chrono>

#include <fmt/format.h>
#include <torch/torch.h>

#include "graft/errors.hpp"
#include "graft/hash.hpp"
#include "graft/log.hpp"
#include "graft/safetensors.hpp"

namespace graft::engine {
namespace {

bool usable(const std::map<std::string, at::Tensor>& tensors, std::size_t rows) {
  const auto features = tensors.find("features");
  const auto labels = tensors.find("labels");
  return features != tensors.end() && labels != tensors.end() && features->second.dim() >= 1 &&
         features->second.size(0) == static_cast<std::int64_t>(rows) && labels->second.dim() == 1 &&
         labels->second.size(0) == static_cast<std::int64_t>(rows) && labels->second.scalar_type() == torch::kInt64;
}

}  // namespace

FeatureCache::FeatureCache(FeatureCacheOptions options) : options_(std::move(options)) {}

const CachedFeatures& FeatureCache::get(Model& model, const Dataset& dataset, Split split, Mode mode,
                                        const std::string& backbone) {
  const std::string key = sha256_hex(fmt::format("graft feature cache 1\n{}\nsplit={}\npreprocessing={}\nbackbone={}\n",
                                                 options_.identity, split_name(split), model.preprocessing_key(mode),
                                                 backbone));
  if (const auto found = loaded_.find(key); found != loaded_.end()) return found->second;

  const std::size_t rows = dataset.size(split);
  const auto file = options_.folder.empty() ? std::filesystem::path()
                                            : options_.folder / "features" / (key.substr(0, 32) + ".safetensors");
  if (!file.empty() && std::filesystem::exists(file)) {
    try {
      auto tensors = load_safetensors(file);
      if (usable(tensors, rows)) {
        log::info("features of the {} split: reusing {}", split_name(split), file.string());
        return loaded_[key] = CachedFeatures{tensors.at("features"), tensors.at("labels"), file, true};
      }
      log::warn("ignoring {}: it does not hold the {} features of the {} split", file.string(), rows, split_name(split));
    } catch (const InputError& error) {
      log::warn("ignoring a damaged feature cache file: {}", error.what());
    }
  }

  const auto started = std::chrono::steady_clock::now();
  CachedFeatures computed = compute(model, dataset, split, mode);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!file.empty()) {
    std::filesystem::create_directories(file.parent_path());
    save_safetensors(file, {{"features", computed.features}, {"labels", computed.labels}},
                     {{"split", split_name(split)}, {"identity", options_.identity}, {"backbone", backbone}});
    computed.file = file;
  }
  log::info("features of the {} split: {} x {} computed in {:.1f} s{}", split_name(split), rows,
            computed.features.numel() / std::max<std::int64_t>(1, computed.features.size(0)), seconds,
            file.empty() ? std::string() : ", cached in " + file.string());
  return loaded_[key] = std::move(computed);
}

CachedFeatures FeatureCache::compute(Model& model, const Dataset& dataset, Split split, Mode mode) const {
  torch::NoGradGuard no_grad;
  LoaderOptions loader = options_.loader;
  loader.mode = mode;
  loader.seed = 0;  // deterministic preprocessing draws nothing
  loader.drop_last = false;
  BatchLoader batches(
      dataset, split, example_order(dataset.size(split), std::nullopt),
      [&model](const std::vector<Example>& examples, const CollateOptions& options) {
        return model.collate(examples, options);
      },
      loader);
  std::vector<at::Tensor> features, labels;
  while (auto batch = batches.next()) {
    features.push_back(model.features(batch->to(options_.device)).to(torch::kCPU));
    labels.push_back(batch->labels);
  }
  CachedFeatures cached;
  cached.features = torch::cat(features).contiguous();
  cached.labels = torch::cat(labels).to(torch::kInt64).contiguous();
  return cached;
}

CachedBatches::CachedBatches(const CachedFeatures& cached, std::vector<std::size_t> order, Batching batching)
    : cached_(cached), order_(order.begin(), order.end()), batching_(batching),
      batch_count_(batching.batch_count(order.size())) {}

std::optional<Batch> CachedBatches::next() {
  if (next_ >= batch_count_) return std::nullopt;
  const auto [begin, end] = batching_.range(next_++, order_.size());
  const auto index = torch::from_blob(order_.data() + begin, {static_cast<std::int64_t>(end - begin)}, torch::kInt64);
  Batch batch;
  batch.inputs = cached_.features.index_select(0, index);
  batch.labels = cached_.labels.index_select(0, index);
  batch.extra[batch_keys::kExampleIndex] = index.clone();  // from_blob borrows order_
  return batch;
}

}  // namespace graft::engine
