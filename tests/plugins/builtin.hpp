#pragma once
// The registry of built-in plugins, loaded once per test binary.
#include "host/registry.hpp"

namespace graft::testing {

inline const host::Registry& builtin_registry() {
  static const host::Registry registry = [] {
    host::Registry loaded;
    loaded.scan({GRAFT_BUILTIN_PLUGIN_DIR});
    return loaded;
  }();
  return registry;
}

// A plugin created with its schema's defaults plus `overrides`.
template <class T>
std::shared_ptr<T> make_plugin(const std::string& name, const std::vector<std::pair<std::string, ParamValue>>& overrides = {},
                               std::uint64_t seed = 1) {
  const auto& registry = builtin_registry();
  Params params = Params::defaults(registry.get(T::kind, name).schema);
  for (const auto& [key, value] : overrides) params.set(key, value);
  PluginContext context;
  context.seed = seed;
  return registry.create_as<T>(name, params, context);
}

}  // namespace graft::testing
