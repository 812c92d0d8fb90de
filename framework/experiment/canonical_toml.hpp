#pragma once
// The canonical form of a resolved trial: its flat dotted keys, a TOML text that is the same for
// the same resolved config however the file was written, and the hash of that text without
// experiment.repeats and experiment.description (which is how the store recognises a trial it
// has run before).
#include "experiment/experiment.hpp"

namespace graft::experiment {

// Fills trial.flat, trial.config_toml and trial.config_hash from trial.plugins and trial.tables.
void canonicalize(Trial& trial);

}  // namespace graft::experiment
