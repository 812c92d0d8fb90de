#pragma once
// The three splits of a dataset. No torch: splits, the experiment layer and the store name them.
#include "graft/export.hpp"

namespace graft {

enum class Split { Train = 0, Validation = 1, Test = 2 };
GRAFT_SDK_API const char* split_name(Split split);  // "train", "val", "test"

}  // namespace graft
