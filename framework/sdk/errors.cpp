#include "graft/errors.hpp"

namespace graft {
// Out-of-line destructors: the key functions that give these classes one typeinfo home.
InputError::~InputError() = default;
ParamError::~ParamError() = default;
}  // namespace graft
