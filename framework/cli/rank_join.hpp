#pragma once
// The other side of rank_launch: a `graft run` or `graft resume` process that torchrun, srun or
// --nproc-per-node started as one rank of a job joins it here.
#include <chrono>
#include <memory>
#include <optional>

#include "distributed/process_group.hpp"
#include "distributed/world.hpp"
#include "engine/experiment_runner.hpp"

namespace graft::cli {

// The job this process is a rank of (nullopt: it runs alone). Ranks other than 0 log warnings and
// errors only: rank 0 reports. InputError when `ranks_requested` (--nproc-per-node) asks to start
// ranks from inside a job, whose launcher already started them.
std::optional<distributed::World> job_of_this_process(int ranks_requested);

// Joins `world`'s rendezvous (waiting up to `timeout` for the others) and makes `options` train
// as that rank: without a progress bar except on rank 0. The rendezvous must outlive the run.
std::unique_ptr<distributed::Rendezvous> join_job(const distributed::World& world, std::chrono::seconds timeout,
                                                  engine::RunOptions& options);

}  // namespace graft::cli
