#include "cli/engine_handover.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "cli/thread_wait_policy.hpp"

namespace graft::cli {
namespace {

namespace fs = std::filesystem;

// Beside `graft` in the build tree; in libexec/graft/ once installed (not on PATH: it is a part
// of graft, not a second command).
std::vector<fs::path> engine_candidates() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path bin = self.parent_path();
  return {bin / "graft-engine", bin.parent_path() / "libexec" / "graft" / "graft-engine"};
}

}  // namespace

void hand_over_to_engine(char** argv) {
  const auto candidates = engine_candidates();
  choose_passive_thread_wait();
  for (const auto& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) != 0) continue;
    execv(candidate.c_str(), argv);
    throw std::runtime_error("cannot start " + candidate.string() + ": " + std::strerror(errno));
  }
  std::string looked;
  for (const auto& candidate : candidates) looked += (looked.empty() ? "" : ", ") + candidate.string();
  throw std::runtime_error("graft-engine, which runs the training commands, is not installed beside graft (looked for " +
                           (looked.empty() ? std::string("it, but /proc/self/exe is unreadable") : looked) +
                           "): reinstall graft");
}

}  // namespace graft::cli
