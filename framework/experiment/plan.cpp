#include "experiment/plan.hpp"

#include <algorithm>
#include <stdexcept>

namespace graft::experiment {

const ParamSpec* Candidate::find(std::string_view key) const {
  // The plugin's own spec wins over an engine extra of the same name.
  if (const ParamSpec* spec = schema ? find_spec(*schema, key) : nullptr) return spec;
  return extras ? find_spec(*extras, key) : nullptr;
}

std::vector<const ParamSpec*> Candidate::specs() const {
  std::vector<const ParamSpec*> out;
  for (const ParamSchema* part : {schema, extras})
    if (part)
      for (const ParamSpec& spec : *part)
        if (find(spec.key) == &spec) out.push_back(&spec);
  return out;
}

std::vector<std::string> Candidate::keys() const {
  std::vector<std::string> out;
  for (const ParamSpec* spec : specs()) out.push_back(spec->key);
  return out;
}

const Candidate& TablePlan::candidate(std::string_view plugin) const {
  auto it = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) { return c.plugin == plugin; });
  // Only called with plugins that validation made candidates.
  if (it == candidates.end()) throw std::logic_error("no candidate plugin '" + std::string(plugin) + "' in [" + name + "]");
  return *it;
}

const Axis* Plan::axis(std::string_view table, std::string_view leaf) const {
  auto it = std::find_if(axes.begin(), axes.end(), [&](const Axis& a) { return a.table == table && a.leaf == leaf; });
  return it == axes.end() ? nullptr : &*it;
}

const ParamSchema& plugins_table_schema() {
  static const ParamSchema schema = {
      string_list_param("paths", {}, "extra plugin folders, relative to the experiment file's folder")};
  return schema;
}

}  // namespace graft::experiment
