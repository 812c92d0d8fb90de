#pragma once
// `graft run FILE --nproc-per-node N`: each trial trained by N ranks on this machine, every rank
// a process of this executable that joins the job as torchrun's would (RANK, WORLD_SIZE,
// MASTER_ADDR=127.0.0.1, MASTER_PORT a free loopback port), with an equal share of the cores.
#include <vector>

#include "cli/parallel_run.hpp"
#include "cli/worker_processes.hpp"

namespace graft::cli {

// Starts `ranks` processes of `graft ARGS...` (the command of one rank), and waits for all of
// them; Ctrl-C reaches every rank.
std::vector<WorkerExit> launch_ranks(const std::vector<std::string>& args, int ranks, int threads);
// Starts request.ranks_per_trial ranks that train `trials` (indices) one after the other with
// `threads` LibTorch threads each.
std::vector<WorkerExit> launch_ranks(const ParallelRequest& request, const std::vector<int>& trials, int threads);

}  // namespace graft::cli
