#include "engine/run_end.hpp"

#include <c10/util/Exception.h>

#include "distributed/process_group.hpp"
#include "engine/interrupt.hpp"

namespace graft::engine {

RunEnd run_guarded(const std::function<void()>& body) {
  try {
    body();
    return {};
  } catch (const Interrupted& stop) {
    return {storage::RunStatus::Interrupted, stop.what()};
  } catch (const distributed::CollectiveError& error) {
    // Ctrl-C reaches every rank, but not at the same step: a rank that stopped first ends the
    // others' collective, and they stop for the same reason.
    if (interrupt_requested()) return {storage::RunStatus::Interrupted, error.what()};
    return {storage::RunStatus::Failed, error.what()};
  } catch (const c10::Error& error) {
    return {storage::RunStatus::Failed, error.what_without_backtrace()};  // without LibTorch's C++ backtrace
  } catch (const std::exception& error) {
    return {storage::RunStatus::Failed, error.what()};
  }
}

}  // namespace graft::engine
