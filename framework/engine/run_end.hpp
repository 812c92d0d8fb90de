#pragma once
// How a training loop ends when something goes wrong in it: Ctrl-C is an interrupted run, a
// diverged loss, a plugin's exception or a LibTorch error a failed one. The trainer and the LR
// finder both end their runs through run_guarded, so a run's status means the same in both.
#include <functional>
#include <stdexcept>
#include <string>

#include "graft/storage/store.hpp"

namespace graft::engine {

struct RunEnd {
  storage::RunStatus status = storage::RunStatus::Completed;
  std::string error;  // why it failed or was interrupted; empty when completed
};

// The training loss became NaN or infinite (train.on_nonfinite_loss = "stop").
struct Diverged : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs `body`; returns Completed when it returns, or the status and message of what it threw.
RunEnd run_guarded(const std::function<void()>& body);

}  // namespace graft::engine
