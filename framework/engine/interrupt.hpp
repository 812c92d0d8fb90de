#pragma once
// Ctrl-C: the first SIGINT (or SIGTERM) asks the trainer to stop after the current step, so the
// run is recorded as interrupted; a second one kills the process as usual.
namespace graft::engine {

void install_interrupt_handler();
bool interrupt_requested();
void request_interrupt();  // for tests

}  // namespace graft::engine
