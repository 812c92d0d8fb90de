#pragma once
// Prepares batches in background threads while the model trains, delivered strictly in order.
// The order of examples is given (drawn from the seed by the caller) and each batch's collate
// seed is derived from the loader seed and the batch index, so the batches are the same whatever
// the number of threads and whichever thread prepares them.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "graft/batch.hpp"
#include "graft/dataset.hpp"
#include "graft/model.hpp"

namespace graft::engine {

using CollateFunction = std::function<Batch(const std::vector<Example>&, const CollateOptions&)>;

// The model's collate as a loader's collate function.
CollateFunction collate_with(Model& model);

struct LoaderOptions {
  std::size_t batch_size = 64;
  bool drop_last = false;
  Mode mode = Mode::Eval;
  std::uint64_t seed = 0;
  int threads = 2;          // 0: batches are prepared on the calling thread
  int prefetch = 4;         // batches prepared ahead of the consumer
};

// Batching of an ordered list of examples, shared by every batch source so that they cut the same
// batches: `batch_size` per batch, the last one partial unless drop_last (but never zero batches
// for a non-empty list: drop_last on a split smaller than one batch would train on nothing).
struct Batching {
  std::size_t batch_size = 64;
  bool drop_last = false;

  std::size_t batch_count(std::size_t examples) const;
  // Positions [first, second) in the order of batch `index`.
  std::pair<std::size_t, std::size_t> range(std::size_t index, std::size_t examples) const;
};

// Every batch source sets Batch::extra[batch_keys::kExampleIndex] (graft/batch.hpp) from this:
// the positions of the batch's examples in their split, int64 [N].
at::Tensor example_positions(const std::vector<std::size_t>& order, std::size_t begin, std::size_t end);

// Where an epoch's batches come from: examples through the model's collate (BatchLoader), or
// cached backbone features (feature_cache.hpp).
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual std::size_t batch_count() const = 0;
  // The next batch in order, or nullopt at the end.
  virtual std::optional<Batch> next() = 0;
};

class BatchLoader : public BatchSource {
 public:
  BatchLoader(const Dataset& dataset, Split split, std::vector<std::size_t> order, CollateFunction collate,
              LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  std::size_t batch_count() const override { return batch_count_; }
  // Rethrows a loader thread's exception.
  std::optional<Batch> next() override;

 private:
  Batching batching() const { return {options_.batch_size, options_.drop_last}; }
  Batch prepare(std::size_t batch_index) const;
  void work();

  const Dataset& dataset_;
  Split split_;
  std::vector<std::size_t> order_;
  CollateFunction collate_;
  LoaderOptions options_;
  std::size_t batch_count_ = 0;

  std::mutex mutex_;
  std::condition_variable ready_;      // a batch arrived (consumer waits)
  std::condition_variable space_;      // the consumer took one (workers wait)
  std::map<std::size_t, Batch> done_;
  std::exception_ptr failure_;
  std::size_t next_to_claim_ = 0;
  std::size_t next_to_deliver_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Identity order 0..n-1, or a seeded Fisher-Yates shuffle of it (portable: no std::shuffle).
std::vector<std::size_t> example_order(std::size_t size, std::optional<std::uint64_t> shuffle_seed);

// A well-mixed 64-bit value from several, for per-epoch and per-batch seeds.
std::uint64_t mix_seed(std::uint64_t a, std::uint64_t b);

}  // namespace graft::engine
