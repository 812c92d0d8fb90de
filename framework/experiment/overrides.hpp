#pragma once
// `--set KEY=VALUE` applied to a Document before validation, so an overridden key is checked
// exactly like one written in the file (and its errors name the override).
#include <vector>

#include "experiment/document.hpp"
#include "experiment/experiment.hpp"

namespace graft::experiment {

// In order; a later override of one key wins. Throws ConfigError for a KEY that is not
// TABLE.KEY (or sweep.TABLE.KEY).
void apply_overrides(Document& doc, const std::vector<Override>& overrides);

}  // namespace graft::experiment
