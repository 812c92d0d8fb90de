#pragma once
// Exceptions that cross the plugin boundary. All derive from std::exception.
#include <stdexcept>
#include <string>

#include "graft/export.hpp"

namespace graft {

// Something the user gave us (a file, a parameter, a command-line value) is wrong.
// The command line reports it as one line and exits with status 2.
class GRAFT_SDK_API InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~InputError() override;
};

// A parameter of a plugin or of the engine has a missing or ill-typed value.
class GRAFT_SDK_API ParamError : public InputError {
 public:
  using InputError::InputError;
  ~ParamError() override;
};

}  // namespace graft
