#include "engine/batch_loader.hpp"

#include <algorithm>
#include <numeric>
#include <random>

#include <torch/types.h>  // torch::tensor

namespace graft::engine {

std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b) {
  // splitmix64 of a combination: cheap, and nearby inputs give unrelated outputs.
  std::uint64_t z = a * 0x9E3779B97F4A7C15ULL + b + 0x632BE59BD9B4E019ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::vector<std::size_t> example_order(std::size_t size, std::optional<std::uint64_t> shuffle_seed) {
  std::vector<std::size_t> order(size);
  std::iota(order.begin(), order.end(), std::size_t{0});
  if (shuffle_seed) {
    std::mt19937_64 generator(*shuffle_seed);
    for (std::size_t i = size; i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(generator() % i);
      std::swap(order[i - 1], order[j]);
    }
  }
  return order;
}

at::Tensor example_positions(const std::vector<std::size_t>& order, std::size_t begin, std::size_t end) {
  std::vector<std::int64_t> positions(order.begin() + static_cast<std::ptrdiff_t>(begin),
                                      order.begin() + static_cast<std::ptrdiff_t>(end));
  return torch::tensor(positions, torch::kInt64);
}

std::size_t Batching::batch_count(std::size_t examples) const {
  const std::size_t batch = std::max<std::size_t>(1, batch_size);
  const std::size_t count = drop_last ? examples / batch : (examples + batch - 1) / batch;
  return count == 0 && examples > 0 ? 1 : count;
}

CollateFunction collate_with(Model& model) {
  return [&model](const std::vector<Example>& examples, const CollateOptions& options) {
    return model.collate(examples, options);
  };
}

std::pair<std::size_t, std::size_t> Batching::range(std::size_t index, std::size_t examples) const {
  const std::size_t batch = std::max<std::size_t>(1, batch_size);
  const std::size_t begin = std::min(examples, index * batch);
  return {begin, std::min(examples, begin + batch)};
}

BatchLoader::BatchLoader(const Dataset& dataset, Split split, std::vector<std::size_t> order, CollateFunction collate,
                         LoaderOptions options)
    : dataset_(dataset), split_(split), order_(std::move(order)), collate_(std::move(collate)), options_(options) {
  batch_count_ = batching().batch_count(order_.size());
  for (int t = 0; t < options_.threads; ++t) workers_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  space_.notify_all();
  for (auto& worker : workers_) worker.join();
}

Batch BatchLoader::prepare(std::size_t batch_index) const {
  const auto [begin, end] = batching().range(batch_index, order_.size());
  std::vector<Example> examples;
  examples.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) examples.push_back(dataset_.get(split_, order_[i]));
  CollateOptions collate_options;
  collate_options.mode = options_.mode;
  collate_options.seed = mix_seed(options_.seed, batch_index);
  // By the example's index in the split: its augmentation is the same in whichever batch (and on
  // whichever rank) the order puts it.
  collate_options.example_seeds.reserve(end - begin);
  for (std::size_t i = begin; i < end; ++i) collate_options.example_seeds.push_back(mix_seed(options_.seed, order_[i]));
  Batch batch = collate_(examples, collate_options);
  batch.extra[batch_keys::kExampleIndex] = example_positions(order_, begin, end);
  return batch;
}

void BatchLoader::work() {
  for (;;) {
    std::size_t index = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      space_.wait(lock, [&] {
        return stopping_ || failure_ || next_to_claim_ >= batch_count_ ||
               next_to_claim_ < next_to_deliver_ + static_cast<std::size_t>(options_.prefetch);
      });
      if (stopping_ || failure_ || next_to_claim_ >= batch_count_) return;
      index = next_to_claim_++;
    }
    try {
      Batch batch = prepare(index);
      std::lock_guard<std::mutex> lock(mutex_);
      done_.emplace(index, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!failure_) failure_ = std::current_exception();
    }
    ready_.notify_all();
    space_.notify_all();  // a worker waiting at the end of the range may now return
  }
}

std::optional<Batch> BatchLoader::next() {
  if (next_to_deliver_ >= batch_count_) return std::nullopt;
  if (workers_.empty()) return prepare(next_to_deliver_++);
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait(lock, [&] { return failure_ || done_.count(next_to_deliver_) > 0; });
  if (failure_) std::rethrow_exception(failure_);
  auto node = done_.extract(next_to_deliver_);
  ++next_to_deliver_;
  lock.unlock();
  space_.notify_all();
  return std::move(node.mapped());
}

}  // namespace graft::engine
