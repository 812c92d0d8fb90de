#pragma once
// Data-parallel gradient averaging over c10d collectives, as DistributedDataParallel does it
// (LibTorch 1.13 has no C++ DDP, and c10d's Reducer does not compile against Debian's headers):
// the trainable parameters' gradients flattened into buckets (in reverse order, roughly the order
// the backward pass finishes them), each bucket summed over the ranks and divided by their number
// (Gloo has no AVG), then copied back. With overlap, a bucket's all-reduce starts as soon as the
// backward pass that completes the step has finished its gradients, while the pass goes on with
// the layers below; the rest start after the pass. Accumulated batches are summed locally first:
// only the step's last backward pass communicates.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>

#include "distributed/process_group.hpp"

namespace graft::distributed {

// DDP's defaults: big enough that a collective's latency is small next to its transfer, and a
// small first bucket (the last layers), so that communication starts early in the backward pass.
inline constexpr std::size_t kBucketBytes = 25u << 20;
inline constexpr std::size_t kFirstBucketBytes = 1u << 20;

struct AveragingOptions {
  std::size_t bucket_bytes = kBucketBytes;
  std::size_t first_bucket_bytes = kFirstBucketBytes;
  bool overlap = true;  // false: every bucket starts after the backward pass
};

struct CommunicationStats {
  std::int64_t steps = 0;
  std::int64_t bytes = 0;              // gradient bytes all-reduced by this rank, all steps
  std::int64_t buckets = 0;            // all-reduces of gradient buckets, all steps
  std::int64_t overlapped_buckets = 0; // of which started during the backward pass
  double seconds = 0;                  // after the backward pass, until the gradients were averaged
};

class GradientReadyHooks;

class GradientAveraging {
 public:
  // `group` carries the gradients alone: a collective of another part (sync_batchnorm's backward
  // pass, say) in the middle of the buckets could come in another order on another rank.
  GradientAveraging(ProcessGroup& group, AveragingOptions options = {});
  ~GradientAveraging();

  // Before the backward pass that completes a step's gradients: with overlap, each bucket's
  // all-reduce starts as soon as that pass has finished its gradients. Optional: average() starts
  // whatever has not started.
  void start(const std::vector<at::Tensor>& parameters);

  // Averages the gradients of `parameters` over the ranks. A parameter that has a gradient on
  // some rank but none here (a head this rank's batches skipped) joins with zeros; one that has
  // none anywhere keeps none, so the optimizer leaves it alone everywhere. `contributed`: the
  // batches of the step whose loss this rank back-propagated; returns the sum over the ranks (0:
  // every batch was skipped on every rank, so no rank steps). CollectiveError when another rank
  // failed, or trains another set of parameters.
  std::int64_t average(const std::vector<at::Tensor>& parameters, std::int64_t contributed);

  const CommunicationStats& stats() const { return stats_; }

 private:
  struct Bucket {
    std::vector<std::size_t> members;  // indices into trainable_
    std::size_t waiting = 0;           // members whose gradient the backward pass has not finished
    at::Tensor flat;
    std::optional<PendingCollective> reduction;
  };

  void lay_out(const std::vector<at::Tensor>& parameters);
  void ready(std::size_t member);
  void launch(Bucket& bucket);
  void launch_remaining();
  void reset_step();

  ProcessGroup& group_;
  AveragingOptions options_;
  CommunicationStats stats_;

  // The layout: the trainable parameters in bucket order, rebuilt when the trainable set changes
  // (gradual unfreezing). `fingerprint` tells the ranks' layouts apart.
  std::vector<at::Tensor> trainable_;
  std::vector<std::size_t> bucket_of_;
  std::vector<Bucket> buckets_;
  std::int64_t fingerprint_ = 0;
  bool laid_out_ = false;

  // The step under way (the backward pass reports on the autograd engine's thread).
  std::mutex mutex_;
  std::vector<bool> finished_;
  std::size_t next_bucket_ = 0;
  std::exception_ptr failure_;
  std::unique_ptr<GradientReadyHooks> hooks_;
};

// The parameters' and buffers' values of rank `root` on every rank (the start of a trial, and
// after rank 0 alone loaded a checkpoint).
void broadcast_values(ProcessGroup& group, const std::vector<at::Tensor>& tensors, int root = 0);

}  // namespace graft::distributed
