#pragma once
// Data-parallel gradient averaging over c10d collectives, as DistributedDataParallel does it
// (LibTorch 1.13 has no C++ DDP, and c10d's Reducer does not compile against Debian's headers):
// the gradients flattened into buckets of about `bucket_bytes`, each bucket summed over the ranks
// and divided by their number (Gloo has no AVG), then copied back. Called once per optimizer
// step, after the accumulation boundary: accumulated batches are summed locally first.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "distributed/process_group.hpp"

namespace graft::distributed {

// DDP's default bucket: big enough that a collective's latency is small next to its transfer.
inline constexpr std::size_t kBucketBytes = 25u << 20;

struct CommunicationStats {
  std::int64_t steps = 0;
  std::int64_t bytes = 0;      // gradient bytes all-reduced by this rank, all steps
  double seconds = 0;          // spent in the collectives, all steps
};

class GradientAveraging {
 public:
  explicit GradientAveraging(ProcessGroup& group, std::size_t bucket_bytes = kBucketBytes);

  // Averages the gradients of `parameters` over the ranks. A parameter that has a gradient on
  // some rank but none here (a head this rank's batches skipped) joins with zeros; one that has
  // none anywhere keeps none, so the optimizer leaves it alone everywhere. `contributed`: the
  // batches of the step whose loss this rank back-propagated; returns the sum over the ranks (0:
  // every batch was skipped on every rank, so no rank steps).
  std::int64_t average(const std::vector<at::Tensor>& parameters, std::int64_t contributed);

  const CommunicationStats& stats() const { return stats_; }

 private:
  ProcessGroup& group_;
  std::size_t bucket_bytes_;
  CommunicationStats stats_;
};

// The parameters' and buffers' values of rank `root` on every rank (the start of a trial, and
// after rank 0 alone loaded a checkpoint).
void broadcast_values(ProcessGroup& group, const std::vector<at::Tensor>& tensors, int root = 0);

}  // namespace graft::distributed
