#include "host/library_loader.hpp"

#include <dlfcn.h>

#include <memory>
#include <set>
#include <string>
#include <system_error>
#include <utility>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

#include "host/exception_text.hpp"
#include "graft/fingerprint.hpp"
#include "graft/hash.hpp"

namespace graft::host {
namespace {
namespace dll = boost::dll;
namespace fs = std::filesystem;

using ManifestFunction = const graft_plugin_manifest_v*();
constexpr const char* kEntryPoint = GRAFT_STRINGIFY(GRAFT_PLUGIN_ENTRY_POINT);

// RTLD_NOW: an undefined symbol fails here, with the loader's own message, not mid-run.
// RTLD_LOCAL: a plugin's symbols stay private, so two plugins with a same-named helper cannot
//   bind to each other's. What plugins share (libgraft_sdk, LibTorch) they reach through their
//   own DT_NEEDED entries, which resolve to the copies the host already has loaded.
// RTLD_NODELETE: never unmapped, even if every handle goes: code and strings of a library
//   (vtables, descriptor names, LibTorch registrations, thread-local destructors) may be
//   referenced until the process exits. The shared_ptrs to the library are the portable half.
dll::load_mode::type load_mode() {
  auto mode = dll::load_mode::rtld_now | dll::load_mode::rtld_local;
#ifdef RTLD_NODELETE
  mode = mode | static_cast<dll::load_mode::type>(RTLD_NODELETE);
#endif
  return mode;
}

// The dynamic loader's reason ("undefined symbol: f", "invalid ELF header"), without the path
// it starts with when that is our file: the message names the file already.
std::string loader_reason(const fs::path& file, const std::error_code& error) {
  const char* text = dlerror();
  if (!text) return error.message();
  std::string reason = text;
  const std::string prefix = file.string() + ": ";
  if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
  return reason;
}

// "libtorch 1.13; gcc 12; cxx11abi 1" -> "gcc 12; cxx11abi 1".
std::string without_torch(const std::string& fingerprint) {
  const auto end = fingerprint.find("; ");
  return end == std::string::npos ? std::string() : fingerprint.substr(end + 2);
}

bool built_without_torch(const std::string& fingerprint) {
  return fingerprint.rfind(GRAFT_FINGERPRINT_NO_TORCH "; ", 0) == 0;
}

// A library built without LibTorch passes no tensor across the boundary, so only its compiler and
// C++ ABI must match; any other must match entirely.
bool fingerprint_matches(const std::string& plugin, const std::string& host) {
  if (built_without_torch(plugin)) return without_torch(plugin) == without_torch(host);
  return plugin == host;
}

// Empty when the manifest's first two fields match this host; else the one-line refusal.
// The ABI version is checked first: under another ABI, nothing after it can be trusted.
std::string check_manifest(const fs::path& file, const graft_plugin_manifest_v& manifest) {
  if (manifest.abi_version != kSdkAbiVersion) {
    return fmt::format("{}: built for graft SDK ABI {}, this graft uses ABI {}; rebuild the plugin against this SDK",
                       file.string(), manifest.abi_version, kSdkAbiVersion);
  }
  const std::string fingerprint = manifest.fingerprint ? manifest.fingerprint : "";
  if (!fingerprint_matches(fingerprint, host_fingerprint())) {
    return fmt::format("{}: built with '{}', this graft with '{}'; rebuild the plugin with the same LibTorch and compiler",
                       file.string(), fingerprint, host_fingerprint());
  }
  return {};
}

// Empty when the descriptor can be used; else what is wrong with it. Models, datasets and
// strategies exchange tensors with the engine: a library built without LibTorch cannot hold one.
std::string check_descriptor(const PluginDescriptor& descriptor, bool without_libtorch) {
  if (!descriptor.name || !*descriptor.name) return "has no name";
  if (static_cast<std::uint32_t>(descriptor.kind) > static_cast<std::uint32_t>(PluginKind::Scheduler))
    return fmt::format("has an unknown kind ({})", static_cast<std::uint32_t>(descriptor.kind));
  if (!descriptor.schema || !descriptor.create) return "has no schema or factory function";
  if (without_libtorch && descriptor.kind != PluginKind::Scheduler)
    return fmt::format("is a {} in a library built without LibTorch (graft_add_plugin TORCH_FREE is for schedulers)",
                       kind_name(descriptor.kind));
  return {};
}

}  // namespace

LibraryLoad load_library(const fs::path& file) {
  auto refuse = [&file](std::string message) { return LibraryLoad{{}, {LoadProblem{file, std::move(message)}}}; };

  std::error_code error;
  auto library = std::make_shared<dll::shared_library>(file, load_mode(), error);
  if (error) return refuse(fmt::format("{}: cannot be loaded: {}", file.string(), loader_reason(file, error)));
  if (!library->has(kEntryPoint))
    return refuse(fmt::format("{}: not a graft plugin (no {} symbol)", file.string(), kEntryPoint));

  const graft_plugin_manifest_v* manifest = library->get<ManifestFunction>(kEntryPoint)();
  if (!manifest) return refuse(fmt::format("{}: {}() returned no manifest", file.string(), kEntryPoint));
  if (auto refusal = check_manifest(file, *manifest); !refusal.empty()) return refuse(std::move(refusal));
  if (manifest->plugin_count > 0 && !manifest->plugins)
    return refuse(fmt::format("{}: the manifest lists {} plugins but no descriptors", file.string(), manifest->plugin_count));

  std::string sha256;
  try {
    sha256 = sha256_file(file);
  } catch (const std::exception& e) {
    return refuse(fmt::format("{}: {}", file.string(), e.what()));
  }

  const bool without_libtorch = built_without_torch(manifest->fingerprint);
  LibraryLoad out;
  std::set<std::pair<PluginKind, std::string>> seen;
  for (std::size_t i = 0; i < manifest->plugin_count; ++i) {
    const PluginDescriptor& descriptor = manifest->plugins[i];
    if (auto defect = check_descriptor(descriptor, without_libtorch); !defect.empty()) {
      out.problems.push_back({file, fmt::format("{}: plugin #{} of the manifest {}", file.string(), i + 1, defect)});
      continue;
    }
    const std::string label = fmt::format("{} '{}'", kind_name(descriptor.kind), descriptor.name);
    if (!seen.emplace(descriptor.kind, descriptor.name).second) {
      out.problems.push_back({file, fmt::format("{}: {} appears twice in the manifest", file.string(), label)});
      continue;
    }
    LoadedPlugin plugin;
    try {
      plugin.schema = descriptor.schema();
    } catch (...) {
      out.problems.push_back(
          {file, fmt::format("{}: {}: schema failed: {}", file.string(), label, exception_text(std::current_exception()))});
      continue;
    }
    plugin.kind = descriptor.kind;
    plugin.name = descriptor.name;
    plugin.version = descriptor.version ? descriptor.version : "";
    plugin.summary = descriptor.summary ? descriptor.summary : "";
    plugin.file = file;
    plugin.sha256 = sha256;
    plugin.descriptor = &descriptor;
    plugin.library = library;
    out.plugins.push_back(std::move(plugin));
  }
  return out;
}

}  // namespace graft::host
