#pragma once
// The collectives of one data-parallel trial, over c10d: Gloo on CPU, NCCL on CUDA (where
// LibTorch was built with it). A process joins its job's rendezvous once (a TCPStore that rank 0
// serves at MASTER_ADDR:MASTER_PORT) and opens one process group per trial on it. Every failure of
// a collective (a rank that died, raised or passed the timeout) is a CollectiveError, never a hang
// or an abort: the caller ends the trial as failed.
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "distributed/world.hpp"

namespace graft::distributed {

class CollectiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GroupOptions {
  std::string backend = "auto";             // "auto" (NCCL for CUDA where built, else Gloo), "gloo", "nccl"
  std::chrono::seconds timeout{300};        // of every collective and of the rendezvous
};

class Rendezvous;

// A collective under way: wait() blocks until it is done (CollectiveError when it failed).
// Destroyed unwaited, it finishes in the background; its tensors stay alive until then.
class PendingCollective {
 public:
  struct Work;
  explicit PendingCollective(std::unique_ptr<Work> work);
  ~PendingCollective();
  PendingCollective(PendingCollective&&) noexcept;
  PendingCollective& operator=(PendingCollective&&) noexcept;

  void wait();

 private:
  std::unique_ptr<Work> work_;
};

class ProcessGroup {
 public:
  // Opens group `name` (unique within the job: the trial's index) on `rendezvous`; `cuda`: the
  // trial trains on CUDA. Throws InputError for a backend this build lacks, CollectiveError when
  // the other ranks do not arrive within the timeout.
  ProcessGroup(Rendezvous& rendezvous, const std::string& name, const GroupOptions& options, bool cuda);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  const World& world() const;
  int rank() const { return world().rank; }
  int size() const { return world().size; }
  const std::string& backend() const;

  // Element-wise sums over the ranks, in place (each tensor contiguous, on the trial's device).
  void all_reduce_sum(std::vector<at::Tensor>& tensors);
  // The same, started on the backend's own threads: the caller goes on until wait(). Every rank
  // must start the group's collectives in the same order.
  PendingCollective all_reduce_sum_async(std::vector<at::Tensor>& tensors);
  // Rank `root`'s values to every rank, in place.
  void broadcast(std::vector<at::Tensor>& tensors, int root = 0);
  // Every rank passes its own `value` of `what` (a config hash, say); throws InputError on every
  // rank, naming the ranks that differ from rank 0, unless they are all equal.
  void check_same(const std::string& what, const std::string& value);

  struct Impl;  // the backend (process_group.cpp), shared with the collectives under way

 private:
  std::shared_ptr<Impl> impl_;
};

// The job's meeting point, joined once per process. Throws InputError when rank 0 cannot listen
// on MASTER_PORT (in use) or another rank cannot reach MASTER_ADDR:MASTER_PORT in time.
class Rendezvous {
 public:
  Rendezvous(const World& world, std::chrono::seconds timeout);
  ~Rendezvous();
  Rendezvous(const Rendezvous&) = delete;
  Rendezvous& operator=(const Rendezvous&) = delete;

  const World& world() const { return world_; }

 private:
  friend class ProcessGroup;
  struct Store;
  World world_;
  std::unique_ptr<Store> store_;
};

}  // namespace graft::distributed
