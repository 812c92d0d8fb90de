#include "engine/run_description.hpp"

#include <unistd.h>

namespace graft::engine {
namespace {

// Store params keep numbers numeric (SQL compares them); lists are kept as their TOML text.
storage::Value to_store_value(const ParamValue& value) {
  if (const auto* flag = std::get_if<bool>(&value)) return std::int64_t{*flag ? 1 : 0};
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  return to_toml(value);
}

}  // namespace

storage::NewRun describe_run(const experiment::Experiment& experiment, const PreparedTrial& prepared) {
  const experiment::Trial& trial = prepared.declared;  // run:NAME as written, not the path it resolved to
  storage::NewRun run;
  run.experiment = experiment.name;
  run.description = experiment.description;
  run.trial = trial.name;
  run.config_toml = trial.config_toml;
  run.config_hash = trial.config_hash;
  run.seed = static_cast<std::int64_t>(trial.seed);
  for (const auto& [key, value] : trial.flat) run.params.push_back(storage::ParamRow{key, to_store_value(value)});
  // The class names in label order, for `graft predict --run` (the dataset may be gone by then).
  run.params.push_back(storage::ParamRow{"task.classes", to_toml(ParamValue(prepared.plugins.task.class_names))});
  run.plugins = prepared.plugins.records;
  run.host = storage::this_host();
  run.pid = static_cast<std::int64_t>(getpid());
  return run;
}

void record_references(RunRecorder& recorder, const PreparedTrial& prepared) {
  for (const auto& reference : prepared.references) {
    recorder.add_artifact(file_artifact(reference.param, reference.checkpoint));
  }
}

}  // namespace graft::engine
