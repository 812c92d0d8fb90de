#pragma once
// The backbone of a model: every layer group but the last (the head). When a strategy has frozen
// all of it, a training step needs the head only: the backbone can run without autograd, and its
// output can be computed once and cached (feature_cache.hpp).
#include <set>
#include <string>

#include "graft/model.hpp"

namespace graft::engine {

// True when no backbone parameter requires grad and every backbone module is in eval mode, so
// that the backbone is a fixed function of its input for this epoch.
bool backbone_frozen(Model& model);

// SHA-256 of the backbone's parameters and buffers (names, shapes, dtypes and bytes): which
// weights a cache of features was computed with.
std::string backbone_digest(Model& model);

// The state-dict names (graft/state_dict.hpp) of the backbone's parameters and buffers: what a
// run with a frozen backbone writes once, beside its checkpoints (run_checkpoints.hpp).
std::set<std::string> backbone_state_keys(Model& model);

}  // namespace graft::engine
