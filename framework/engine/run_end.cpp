#include "engine/run_end.hpp"

#include <c10/util/Exception.h>

#include "engine/interrupt.hpp"

namespace graft::engine {

RunEnd run_guarded(const std::function<void()>& body) {
  try {
    body();
    return {};
  } catch (const Interrupted& stop) {
    return {storage::RunStatus::Interrupted, stop.what()};
  } catch (const c10::Error& error) {
    return {storage::RunStatus::Failed, error.what_without_backtrace()};  // without LibTorch's C++ backtrace
  } catch (const std::exception& error) {
    return {storage::RunStatus::Failed, error.what()};
  }
}

}  // namespace graft::engine
