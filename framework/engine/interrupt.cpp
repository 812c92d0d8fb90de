#include "engine/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace graft::engine {
namespace {

std::atomic<bool> requested{false};

extern "C" void on_signal(int signal_number) {
  requested = true;
  std::signal(signal_number, SIG_DFL);  // the next one ends the process
}

}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}

bool interrupt_requested() { return requested; }

void request_interrupt() { requested = true; }

}  // namespace graft::engine
