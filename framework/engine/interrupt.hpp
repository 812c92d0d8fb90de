#pragma once
// Ctrl-C: the first SIGINT (or SIGTERM) asks the trainer to stop after the current step, so the
// run is recorded as interrupted; a second one kills the process as usual.
#include <stdexcept>

namespace graft::engine {

// Thrown between steps once an interrupt was requested; the trainer records the run as interrupted.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted by the user (Ctrl-C)") {}
};

void install_interrupt_handler();
bool interrupt_requested();
void request_interrupt();  // for tests

}  // namespace graft::engine
