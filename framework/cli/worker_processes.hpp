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
  bool stopped = false;  // ended because another worker failed (run_workers' stop_all_on_failure)
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
//
// With `stop_all_on_failure` (the ranks of one job, which cannot go on without each other), the
// first worker that fails makes the others stop: those still running `grace_seconds` later (one
// stuck waiting for a rendezvous that will never form) get SIGTERM, and SIGKILL 5 s after. The
// exits of workers that ended after the first failure carry `stopped`.
// LibTorch threads for each of `processes` processes sharing this machine's cores (at least 1).
int threads_per_process(int processes);

std::vector<WorkerExit> run_workers(const std::vector<WorkerCommand>& commands, bool stop_all_on_failure = false,
                                    int grace_seconds = 10);

}  // namespace graft::cli
