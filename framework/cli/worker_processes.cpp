#include "cli/worker_processes.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

extern char** environ;

namespace graft::cli {
namespace {

std::atomic<int> signals_received{0};

extern "C" void count_signal(int) { ++signals_received; }

// Replaces the SIGINT and SIGTERM handlers while the workers run: this process must outlive a
// second Ctrl-C to collect the workers and report what they recorded.
class ForwardSignals {
 public:
  ForwardSignals() {
    struct sigaction action {};
    action.sa_handler = count_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~ForwardSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  ForwardSignals(const ForwardSignals&) = delete;
  ForwardSignals& operator=(const ForwardSignals&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

pid_t spawn(const WorkerCommand& command) {
  std::vector<char*> argv;
  static char program[] = "graft";
  argv.push_back(program);
  for (const auto& arg : command.args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // This process's environment, with the command's variables in place of any of the same name.
  std::vector<std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string variable = *entry;
    if (command.environment.count(variable.substr(0, variable.find('='))) == 0) variables.push_back(variable);
  }
  for (const auto& [name, value] : command.environment) variables.push_back(name + "=" + value);
  std::vector<char*> envp;
  for (auto& variable : variables) envp.push_back(variable.data());
  envp.push_back(nullptr);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int code = posix_spawn(&pid, "/proc/self/exe", nullptr, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  if (code != 0) throw std::runtime_error(fmt::format("cannot start a worker process: {}", std::strerror(code)));
  return pid;
}

WorkerExit exit_of(pid_t pid, int status) {
  WorkerExit result{pid, 0, 0};
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_status = 128 + result.signal;
  } else {
    result.exit_status = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace

int threads_per_process(int processes) {
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, cores / std::max(1, processes));
}

std::vector<WorkerExit> run_workers(const std::vector<WorkerCommand>& commands, bool stop_all_on_failure,
                                    int grace_seconds) {
  ForwardSignals forward;
  int forwarded = signals_received;  // only signals from now on are the workers' business
  std::vector<WorkerExit> exits(commands.size());
  std::vector<bool> running(commands.size(), false);
  std::string start_error;
  for (std::size_t index = 0; index < commands.size() && start_error.empty(); ++index) {
    try {
      exits[index].pid = spawn(commands[index]);
      running[index] = true;
    } catch (const std::runtime_error& error) {
      start_error = error.what();
      ++signals_received;  // stop the workers already started
    }
  }

  // Polls rather than blocking in waitpid, so a signal is forwarded at once whichever worker
  // ends first. 50 ms is nothing next to a trial's minutes.
  std::optional<std::chrono::steady_clock::time_point> stopping_since;  // since a worker failed
  int last_signal = 0;
  for (auto left = std::count(running.begin(), running.end(), true); left > 0;) {
    for (; forwarded < signals_received; ++forwarded) {
      for (std::size_t index = 0; index < commands.size(); ++index) {
        if (running[index]) kill(exits[index].pid, SIGINT);
      }
    }
    for (std::size_t index = 0; index < commands.size(); ++index) {
      if (!running[index]) continue;
      int status = 0;
      const pid_t done = waitpid(exits[index].pid, &status, WNOHANG);
      if (done == exits[index].pid || (done < 0 && errno != EINTR)) {
        exits[index] = done < 0 ? WorkerExit{exits[index].pid, 1, 0} : exit_of(done, status);
        exits[index].stopped = stopping_since.has_value();
        running[index] = false;
        --left;
        if (stop_all_on_failure && exits[index].exit_status != 0 && !stopping_since) {
          stopping_since = std::chrono::steady_clock::now();
        }
      }
    }
    if (stopping_since) {
      // The others usually fail on their own at once (their collective loses its peer) and say
      // why; only one that is stuck gets the signals.
      const auto waited = std::chrono::steady_clock::now() - *stopping_since;
      const int signal = waited > std::chrono::seconds(grace_seconds + 5) ? SIGKILL
                         : waited > std::chrono::seconds(grace_seconds) ? SIGTERM
                                                                        : 0;
      if (signal != 0 && signal != last_signal) {
        last_signal = signal;
        for (std::size_t other = 0; other < commands.size(); ++other)
          if (running[other]) kill(exits[other].pid, signal);
      }
    }
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!start_error.empty()) throw std::runtime_error(start_error);
  return exits;
}

}  // namespace graft::cli
