#pragma once
// Whether a run recorded as `running` is still running. A process killed with SIGKILL (or a lost
// machine) cannot record its end, so its row keeps saying `running`: such a run is shown, and on
// the next `graft run` recorded, as `interrupted`. It is stale when its process is gone (same
// host: the recorded pid no longer exists) or when it has not written anything (metrics and
// heartbeats both refresh heartbeat_at) for kStaleAfterSeconds, for runs on other hosts.
#include <optional>
#include <string>

#include "graft/storage/store.hpp"

namespace graft::storage {

inline constexpr double kStaleAfterSeconds = 15 * 60;
// The start of the error a stale run reads with (and is recorded with by recover_stale_runs).
inline constexpr const char* kStaleRunError = "stopped without recording its end: ";

// Why the run is no longer running, or nullopt when it may still be.
std::optional<std::string> stale_reason(const RunSummary& run, double now);

double unix_now();

}  // namespace graft::storage
