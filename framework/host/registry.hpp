#pragma once
// Plugin discovery and loading. The registry scans folders (or single files) for shared
// libraries, reads each one's manifest before calling anything else in it, refuses libraries of
// another SDK ABI version or build fingerprint, and records what it could not load without
// stopping. Libraries are loaded with RTLD_NOW (a missing symbol fails at load, not mid-run) and
// never unloaded; every object created keeps its library alive.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graft/errors.hpp"
#include "graft/params.hpp"
#include "graft/plugin.hpp"

namespace graft::host {

// Two plugins with the same kind and name: names both files.
class DuplicatePluginError : public InputError {
 public:
  using InputError::InputError;
};

// Unknown plugin, or its factory threw: names the plugin (and file).
class PluginError : public InputError {
 public:
  using InputError::InputError;
};

struct LoadedPlugin {
  PluginKind kind;
  std::string name;
  std::string version;
  std::string summary;
  ParamSchema schema;
  std::filesystem::path file;
  std::string sha256;  // of the library file
  const PluginDescriptor* descriptor = nullptr;
  std::shared_ptr<void> library;  // keeps the shared library loaded
};

// A library that was skipped, and why (one line: file and reason).
struct LoadProblem {
  std::filesystem::path file;
  std::string message;
};

// The fingerprint this host was built with (GRAFT_BUILD_FINGERPRINT).
std::string host_fingerprint();

// Every kind, in the order list() sorts them.
inline constexpr PluginKind kPluginKinds[] = {PluginKind::Model, PluginKind::Dataset, PluginKind::Strategy,
                                              PluginKind::Scheduler};
// The kind whose kind_name() is `name` ("model", ...), if any.
std::optional<PluginKind> kind_from_name(std::string_view name);

// Built-in plugin folder beside the executable (<exe>/../lib/graft/plugins, build and install
// trees alike; left out when it does not exist), then each folder of GRAFT_PLUGIN_PATH
// (':'-separated, empty entries ignored), in that order.
std::vector<std::filesystem::path> default_search_path();

class Registry {
 public:
  Registry();
  Registry(Registry&&) noexcept;
  Registry& operator=(Registry&&) noexcept;
  ~Registry();

  // Loads every shared library (*.so, *.so.N, *.dylib) in each folder (not recursive, sorted by
  // name), or the file itself when an entry is a file. A folder that does not exist is a LoadProblem.
  // A library already loaded (same canonical path) is not loaded twice.
  // Throws DuplicatePluginError when a (kind, name) is provided by two different files; the
  // registry is then as it was before the call (problems found on the way are kept).
  void scan(const std::vector<std::filesystem::path>& entries);

  // Pointers from find(), get() and list() stay valid as long as the registry, across scans.
  const LoadedPlugin* find(PluginKind kind, const std::string& name) const;
  // Like find(), but an unknown name throws the PluginError that create() throws.
  const LoadedPlugin& get(PluginKind kind, const std::string& name) const;
  std::vector<const LoadedPlugin*> list() const;  // sorted by kind, then name
  std::vector<std::string> names(PluginKind kind) const;
  const std::vector<LoadProblem>& problems() const;

  // Each problem is logged as a warning when found (the default). A command that prints
  // problems() itself, after its own output, turns this off to avoid saying everything twice.
  void set_log_problems(bool enabled);

  // Calls the factory; a throwing factory becomes PluginError("model 'x' (FILE): MESSAGE").
  // Unknown name: PluginError listing the known names of that kind (with "did you mean").
  std::shared_ptr<Plugin> create(PluginKind kind, const std::string& name, const Params& params,
                                 const PluginContext& context) const;

  template <class T>
  std::shared_ptr<T> create_as(const std::string& name, const Params& params, const PluginContext& context) const {
    auto object = std::dynamic_pointer_cast<T>(create(T::kind, name, params, context));
    if (!object) throw PluginError(std::string(kind_name(T::kind)) + " '" + name + "' created an object of another kind");
    return object;
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace graft::host
