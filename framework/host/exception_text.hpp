#pragma once
// What a plugin's exception says, whatever it threw: plugin code runs behind every call the host
// makes into a library (schema, factory), and a message is all the user can act on.
#include <exception>
#include <string>

namespace graft::host {

inline std::string exception_text(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

}  // namespace graft::host
