#include "graft/dataset.hpp"

namespace graft {

Dataset::~Dataset() = default;

}  // namespace graft
