#pragma once
// Child processes of this same executable (`graft run --jobs N` starts its workers this way):
// start them all, wait for every one, and pass Ctrl-C on to them.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace graft::cli {

struct WorkerExit {
  pid_t pid = 0;
  int exit_status = 0;  // the worker's exit status; 128 + N when signal N ended it
  int signal = 0;       // the signal that ended it, 0 when it exited
};

struct WorkerCommand {
  std::vector<std::string> args;
  std::map<std::string, std::string> environment;  // set (or replaced) on top of this process's own
};

// Runs `/proc/self/exe ARGS...` once per element of `commands`, all at once, and waits for all of
// them. Each worker gets a process group of its own, so the terminal's Ctrl-C reaches only this
// process, which forwards every SIGINT or SIGTERM it receives to the workers still running as
// SIGINT: the first asks them to stop after the current step, a second ends them. Returns in the
// order of `commands`. Throws std::runtime_error when a worker cannot be started (the ones
// already started are interrupted and waited for first).
std::vector<WorkerExit> run_workers(const std::vector<WorkerCommand>& commands);

}  // namespace graft::cli
