#include "cli/rank_launch.hpp"

#include <string>


#include "distributed/loopback_port.hpp"
#include "graft/log.hpp"

namespace graft::cli {

std::vector<WorkerExit> launch_ranks(const std::vector<std::string>& args, int ranks, int threads) {
  const std::string port = std::to_string(distributed::free_loopback_port());
  std::vector<WorkerCommand> commands;
  for (int rank = 0; rank < ranks; ++rank) {
    commands.push_back({args,
                        {{"RANK", std::to_string(rank)},
                         {"LOCAL_RANK", std::to_string(rank)},
                         {"WORLD_SIZE", std::to_string(ranks)},
                         {"LOCAL_WORLD_SIZE", std::to_string(ranks)},
                         {"MASTER_ADDR", "127.0.0.1"},
                         {"MASTER_PORT", port}}});
  }
  log::info("{} rank(s) on 127.0.0.1:{}, {} LibTorch thread(s) each unless [train] threads is set", ranks, port,
            threads);
  // A job cannot go on without any of its ranks: the first to fail stops the others.
  return run_workers(commands, /*stop_all_on_failure=*/true);
}

std::vector<WorkerExit> launch_ranks(const ParallelRequest& request, const std::vector<int>& trials, int threads) {
  ParallelRequest per_rank = request;
  per_rank.ranks_per_trial = 1;  // a rank trains; it does not launch
  return launch_ranks(worker_command(per_rank, trials, threads), request.ranks_per_trial, threads);
}

}  // namespace graft::cli
