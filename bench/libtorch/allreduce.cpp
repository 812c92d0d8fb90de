// A Gloo all-reduce of BYTES float32 bytes between 2 processes on loopback, REPEATS times, over
// graft's own ProcessGroup (the one data-parallel training uses): what the gradient averaging of
// a step would cost with nothing else running. Prints the median milliseconds per all-reduce.
//   graft_bench_allreduce BYTES [REPEATS] [BUCKET_BYTES]
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "distributed/process_group.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s BYTES [REPEATS] [BUCKET_BYTES]\n", argv[0]);
    return 2;
  }
  const long long bytes = std::atoll(argv[1]);
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 30;
  const long long bucket = argc > 3 ? std::atoll(argv[3]) : 25LL << 20;
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  torch::set_num_threads(1);
  for (int rank = 0; rank < 2; ++rank) {
    if (fork() != 0) continue;
    graft::distributed::World world;
    world.rank = rank;
    world.local_rank = rank;
    world.size = world.local_size = 2;
    world.master_port = port;
    graft::distributed::Rendezvous rendezvous(world, std::chrono::seconds(60));
    graft::distributed::ProcessGroup group(rendezvous, "bench", {}, /*cuda=*/false);
    // The buckets of a step, as GradientAveraging cuts them.
    std::vector<at::Tensor> buckets;
    for (long long left = bytes / 4; left > 0; left -= bucket / 4) buckets.push_back(torch::ones({std::min(left, bucket / 4)}));
    std::vector<double> times;
    for (int i = 0; i < repeats + 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      for (auto& tensor : buckets) {
        std::vector<at::Tensor> one = {tensor};
        group.all_reduce_sum(one);
        tensor.div_(2);
      }
      if (i >= 3) times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(times.begin(), times.end());
    if (rank == 0) std::printf("%.3f\n", times[times.size() / 2]);
    std::fflush(stdout);
    _exit(0);
  }
  int status = 0, failed = 0;
  while (wait(&status) > 0) failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return failed == 0 ? 0 : 1;
}
