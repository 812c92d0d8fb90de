#include "liveness.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include <fmt/format.h>

namespace graft::storage {

std::string this_host() {
  char buffer[256] = {};
  return gethostname(buffer, sizeof(buffer) - 1) == 0 ? std::string(buffer) : std::string("unknown");
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<std::string> stale_reason(const RunSummary& run, double now) {
  if (run.status != RunStatus::Running) return std::nullopt;
  if (run.host == this_host() && run.pid > 0 && ::kill(static_cast<pid_t>(run.pid), 0) != 0 && errno == ESRCH) {
    return fmt::format("its process {} ended without recording the end of the run (killed?)", run.pid);
  }
  const double last_sign = run.heartbeat_at.value_or(run.started_at);
  if (now - last_sign > kStaleAfterSeconds) {
    return fmt::format("no sign of life from {} (pid {}) for {:.0f} min", run.host, run.pid, (now - last_sign) / 60);
  }
  return std::nullopt;
}

}  // namespace graft::storage
