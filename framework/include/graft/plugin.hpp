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

#include "graft/export.hpp"
#include "graft/fingerprint.hpp"
#include "graft/params.hpp"

namespace graft {

// Bump on every breaking change to an SDK header (layout of a struct, a virtual function added,
// removed or reordered). The host refuses libraries built against another value.
inline constexpr std::uint32_t kSdkAbiVersion = 3;

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
};

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

// Descriptor of plugin class T: T derives from Model, Dataset, Strategy or Scheduler (which
// give its kind), has `static ParamSchema schema()` and a constructor (const Params&, const PluginContext&).
template <class T>
constexpr PluginDescriptor describe(const char* name, const char* version, const char* summary) {
  return PluginDescriptor{T::kind, name, version, summary, &T::schema, &construct_plugin<T>};
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
