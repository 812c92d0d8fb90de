#pragma once
// What the store records of a trial's run when it begins: experiment, trial name, config and
// hash, seed, params (with task.classes), plugins, host and pid. `graft run` and `graft lr-find`
// describe their runs here.
#include "engine/run_recorder.hpp"
#include "engine/trial_preparation.hpp"
#include "experiment/experiment.hpp"
#include "graft/storage/store.hpp"

namespace graft::engine {

storage::NewRun describe_run(const experiment::Experiment& experiment, const PreparedTrial& prepared);

// Where the trial's run:NAME weights came from (each file and its hash), as artifacts of its run.
void record_references(RunRecorder& recorder, const PreparedTrial& prepared);

}  // namespace graft::engine
