#include "cli/thread_wait_policy.hpp"

#include <cstdlib>

#include <unistd.h>

namespace graft::cli {

bool choose_passive_thread_wait() {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) return false;
  return setenv("OMP_WAIT_POLICY", "PASSIVE", 1) == 0;
}

void ensure_passive_thread_wait(char** argv) {
  if (!choose_passive_thread_wait()) return;
  execv("/proc/self/exe", argv);
  // exec failed (no /proc): go on with the default policy, correct if slower on a busy machine.
}

}  // namespace graft::cli
