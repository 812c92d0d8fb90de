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
#include <vector>

#include "graft/batch.hpp"
#include "graft/dataset.hpp"

namespace graft::engine {

using CollateFunction = std::function<Batch(const std::vector<Example>&, const CollateOptions&)>;

struct LoaderOptions {
  std::size_t batch_size = 64;
  bool drop_last = false;
  Mode mode = Mode::Eval;
  std::uint64_t seed = 0;
  int threads = 2;          // 0: batches are prepared on the calling thread
  int prefetch = 4;         // batches prepared ahead of the consumer
};

class BatchLoader {
 public:
  BatchLoader(const Dataset& dataset, Split split, std::vector<std::size_t> order, CollateFunction collate,
              LoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  std::size_t batch_count() const { return batch_count_; }
  // The next batch in order, or nullopt at the end. Rethrows a loader thread's exception.
  std::optional<Batch> next();

 private:
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
