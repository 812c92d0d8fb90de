#pragma once
// ExperimentFile's private state, shared by experiment_file.cpp and resolve.cpp.
#include "experiment/document.hpp"
#include "experiment/experiment.hpp"

namespace graft::experiment {

struct ExperimentFile::Impl {
  Document doc;  // the file's TOML with the overrides applied, not yet validated
};

}  // namespace graft::experiment
