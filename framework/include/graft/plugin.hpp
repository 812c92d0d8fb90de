#pragma once
// The plugin ABI. A plugin library exports one extern "C" function, graft_plugin_manifest, that
// returns a plain, statically initialised manifest: SDK ABI version and build fingerprint first
// (so the host can refuse a mismatched library before touching anything else), then one
// descriptor per plugin the library provides. Write it with GRAFT_PLUGIN(...), never by hand.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "graft/export.hpp"
#include "graft/fingerprint.hpp"
#include "graft/params.hpp"

namespace graft {

// Bump on every breaking change to an SDK header (layout of a struct, a virtual function added,
// removed or reordered). The host refuses libraries built against another value.
inline constexpr std::uint32_t kSdkAbiVersion = 4;

}  // namespace graft

// The ABI version a plugin's manifest claims. GRAFT_SDK_ABI_VERSION_OVERRIDE exists only to test
// the host's refusal of foreign plugins (graft_add_plugin sets it from the CMake cache variable of
// the same name): a plugin built with it is refused by every graft.
#if defined(GRAFT_SDK_ABI_VERSION_OVERRIDE)
#  define GRAFT_PLUGIN_ABI_VERSION static_cast<std::uint32_t>(GRAFT_SDK_ABI_VERSION_OVERRIDE)
#else
#  define GRAFT_PLUGIN_ABI_VERSION ::graft::kSdkAbiVersion
#endif

namespace graft {

enum class PluginKind : std::uint32_t { Model = 0, Dataset = 1, Strategy = 2, Scheduler = 3 };
GRAFT_SDK_API const char* kind_name(PluginKind kind);  // "model", "dataset", ...

// Base of every plugin object. The destructor lives in libgraft_sdk.so.
class GRAFT_SDK_API Plugin {
 public:
  virtual ~Plugin();
};

// What the engine tells a plugin when it creates it.
struct PluginContext {
  std::uint64_t seed = 0;             // the trial's seed: use it for every random choice
  std::filesystem::path cache_dir;    // where a plugin may keep derived files between runs
  // The experiment table the plugin serves: "dataset", "tasks.coarse", "teacher". Name params in
  // errors with param_path() so that a user knows which table to fix. The host fills it with the
  // plugin's kind when the caller leaves it empty.
  std::string table;

  // "tasks.coarse.root": a param as --set and [sweep] write it.
  std::string param_path(std::string_view key) const { return table + "." + std::string(key); }
};

// Tables of an experiment a plugin cannot work without, beyond its own: checked when the
// experiment is validated, so a run that could never work is refused before it is recorded.
// A bit set; a plugin class says what it needs with `static constexpr PluginNeeds needs = ...`.
enum class PluginNeeds : std::uint32_t {
  Nothing = 0,
  Teacher = 1,  // a [teacher] table: the engine then fills batch_keys::kTeacherLogits (distillation)
};

using PluginFactory = std::unique_ptr<Plugin> (*)(const Params& params, const PluginContext& context);
using SchemaFunction = ParamSchema (*)();

struct PluginDescriptor {
  PluginKind kind;
  const char* name;      // unique per kind: what an experiment writes as `plugin = "..."`
  const char* version;   // the plugin's own version, recorded with every run
  const char* summary;   // one line for `graft plugins list`
  SchemaFunction schema;
  PluginFactory create;  // may throw (std::exception): the host reports it with the plugin's name
  PluginNeeds needs = PluginNeeds::Nothing;
};

inline constexpr bool has_need(PluginNeeds needs, PluginNeeds need) {
  return (static_cast<std::uint32_t>(needs) & static_cast<std::uint32_t>(need)) != 0;
}

}  // namespace graft

// C layout: the first two fields never move, whatever the ABI version.
extern "C" struct graft_plugin_manifest_v {
  std::uint32_t abi_version;
  const char* fingerprint;
  std::size_t plugin_count;
  const graft::PluginDescriptor* plugins;
};

#define GRAFT_PLUGIN_ENTRY_POINT graft_plugin_manifest

namespace graft {

template <class T>
std::unique_ptr<Plugin> construct_plugin(const Params& params, const PluginContext& context) {
  return std::make_unique<T>(params, context);
}

// T::needs when the class declares it, else PluginNeeds::Nothing.
template <class T, class = void>
struct needs_of {
  static constexpr PluginNeeds value = PluginNeeds::Nothing;
};
template <class T>
struct needs_of<T, std::void_t<decltype(T::needs)>> {
  static constexpr PluginNeeds value = T::needs;
};

// Descriptor of plugin class T: T derives from Model, Dataset, Strategy or Scheduler (which
// give its kind), has `static ParamSchema schema()` and a constructor (const Params&, const PluginContext&),
// and may declare `static constexpr PluginNeeds needs`.
template <class T>
constexpr PluginDescriptor describe(const char* name, const char* version, const char* summary) {
  return PluginDescriptor{T::kind, name, version, summary, &T::schema, &construct_plugin<T>, needs_of<T>::value};
}

}  // namespace graft

// One per library: GRAFT_PLUGIN(graft::describe<SmallCnn>("small_cnn", "1.0.0", "..."), ...)
#define GRAFT_PLUGIN(...)                                                                        \
  extern "C" __attribute__((visibility("default"))) const graft_plugin_manifest_v*              \
  GRAFT_PLUGIN_ENTRY_POINT() {                                                                   \
    static const ::graft::PluginDescriptor graft_descriptors[] = {__VA_ARGS__};                 \
    static const graft_plugin_manifest_v graft_manifest{                                         \
        GRAFT_PLUGIN_ABI_VERSION, GRAFT_BUILD_FINGERPRINT,                                       \
        sizeof(graft_descriptors) / sizeof(graft_descriptors[0]), graft_descriptors};            \
    return &graft_manifest;                                                                      \
  }
