#include "cli/rank_launch.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "graft/log.hpp"

namespace graft::cli {

int free_loopback_port() {
  const int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (socket_fd < 0) throw std::runtime_error(fmt::format("cannot open a socket: {}", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool bound = bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                     getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  const int error = errno;
  close(socket_fd);
  if (!bound) throw std::runtime_error(fmt::format("cannot find a free loopback port: {}", std::strerror(error)));
  return ntohs(address.sin_port);
}

std::vector<WorkerExit> launch_ranks(const std::vector<std::string>& args, int ranks, int threads) {
  const std::string port = std::to_string(free_loopback_port());
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
