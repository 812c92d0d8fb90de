#include "reference_cases.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "builtin.hpp"
#include "engine/engine_schema.hpp"

namespace graft::testing {

namespace {

ParamValue typed(const nlohmann::json& value, ParamType type) {
  switch (type) {
    case ParamType::Bool: return value.get<bool>();
    case ParamType::Int: return value.get<std::int64_t>();
    case ParamType::Float: return value.get<double>();
    case ParamType::String: return value.get<std::string>();
    case ParamType::IntList: return value.get<std::vector<std::int64_t>>();
    case ParamType::FloatList: return value.get<std::vector<double>>();
    case ParamType::StringList: return value.get<std::vector<std::string>>();
  }
  throw std::logic_error("unknown ParamType");
}

std::vector<std::pair<std::string, ParamValue>> typed_params(const nlohmann::json& object, const ParamSchema& schema,
                                                             const std::string& where) {
  std::vector<std::pair<std::string, ParamValue>> params;
  for (const auto& [key, value] : object.items()) {
    const ParamSpec* spec = find_spec(schema, key);
    if (!spec) throw std::runtime_error(where + ": no param '" + key + "' in the schema");
    params.emplace_back(key, typed(value, spec->type));
  }
  return params;
}

std::vector<ReferenceCase> load() {
  std::ifstream file(GRAFT_SCHEDULER_REFERENCES);
  if (!file) {
    throw std::runtime_error("cannot read " GRAFT_SCHEDULER_REFERENCES "; run tests/schedulers/make_references.py");
  }
  const auto document = nlohmann::json::parse(file);
  const ParamSchema extras_schema = engine::scheduler_extras_schema();
  std::vector<ReferenceCase> cases;
  for (const auto& entry : document.at("cases")) {
    ReferenceCase reference;
    reference.name = entry.at("name").get<std::string>();
    reference.plugin = entry.at("plugin").get<std::string>();
    reference.pytorch = entry.at("pytorch").get<std::string>();
    const auto& schema = builtin_registry().get(PluginKind::Scheduler, reference.plugin).schema;
    reference.params = typed_params(entry.at("params"), schema, reference.name);
    reference.schedule = typed_params(entry.at("schedule"), extras_schema, reference.name);
    reference.base_lr = entry.at("base_lr").get<double>();
    reference.steps_per_epoch = entry.at("steps_per_epoch").get<std::int64_t>();
    reference.epochs = entry.at("epochs").get<std::int64_t>();
    reference.metric_history = entry.value("metric_history", std::vector<double>{});
    reference.lr = entry.at("lr").get<std::vector<double>>();
    cases.push_back(std::move(reference));
  }
  return cases;
}

}  // namespace

std::vector<double> ReferenceCase::history_before(std::int64_t step) const {
  const auto epochs_done = static_cast<std::size_t>(step / steps_per_epoch);
  return {metric_history.begin(), metric_history.begin() + std::min(epochs_done, metric_history.size())};
}

const std::vector<ReferenceCase>& reference_cases() {
  static const std::vector<ReferenceCase> cases = load();
  return cases;
}

}  // namespace graft::testing
