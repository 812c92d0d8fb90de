// What every scaffolded project shares, and how the parts become files.
#include <cctype>
#include <regex>

#include "cli/scaffold/sample_data.hpp"
#include "cli/scaffold/scaffold.hpp"

namespace graft::cli::scaffold {
namespace {

const char* const kCMakeLists = R"cmake(# The @kind@ plugin `@name@`, built against an installed graft.
#   cmake -S . -B build -G Ninja -DCMAKE_PREFIX_PATH=<graft's install prefix>
#   cmake --build build && ctest --test-dir build --output-on-failure
cmake_minimum_required(VERSION 3.18)
project(@name@ LANGUAGES CXX)

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "Build type" FORCE)
endif()

# graft::sdk (headers, libgraft_sdk.so, LibTorch), graft::sdk_core (the part without LibTorch)
# and graft_add_plugin().
find_package(graft 0.1 REQUIRED)

# build/plugins/graft_@name@.so: the folder to put on GRAFT_PLUGIN_PATH.@torch_free_note@
graft_add_plugin(@name@ SOURCES src/@name@.cpp@plugin_options@)
target_compile_options(@name@ PRIVATE -Wall -Wextra)

# The unit test compiles the plugin's source in (its class is private to that file), so it
# checks the plugin's behaviour directly, and its manifest as graft will read it.
enable_testing()
add_executable(@name@_test tests/@name@_test.cpp)
target_include_directories(@name@_test PRIVATE src)
target_link_libraries(@name@_test PRIVATE @sdk_target@)
target_compile_options(@name@_test PRIVATE -Wall -Wextra)
add_test(NAME @name@_test COMMAND @name@_test)
)cmake";

const char* const kCheckHeader = R"cpp(#pragma once
// A minimal check harness for the plugin's unit test, so that the project needs nothing beyond
// graft: EXPECT(condition) and EXPECT_THROWS_AS(expression, Exception) report failures with their
// line and carry on; main() returns graft_test::finish(), non-zero when a check failed.
// Include it after the plugin's source. (EXPECT, not CHECK: LibTorch's headers define CHECK.)
#include <cstdio>
#include <string>

#include "graft/plugin.hpp"

namespace graft_test {

inline int failures = 0;

inline void report(bool ok, const char* what, const char* file, int line) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
}

inline int finish() {
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::fprintf(stderr, "all checks passed\n");
  return failures ? 1 : 0;
}

}  // namespace graft_test

#define EXPECT(condition) graft_test::report(static_cast<bool>(condition), #condition, __FILE__, __LINE__)
#define EXPECT_THROWS_AS(expression, Exception)                                      \
  do {                                                                              \
    bool thrown_ = false;                                                           \
    try {                                                                           \
      static_cast<void>(expression);                                                \
    } catch (const Exception&) {                                                    \
      thrown_ = true;                                                               \
    } catch (...) {                                                                 \
    }                                                                               \
    graft_test::report(thrown_, #expression " throws " #Exception, __FILE__, __LINE__); \
  } while (false)

namespace graft_test {

// What graft reads first from the library: this SDK's ABI version, one plugin, its kind and name.
inline void check_manifest(const char* name, graft::PluginKind kind) {
  const graft_plugin_manifest_v* manifest = GRAFT_PLUGIN_ENTRY_POINT();
  EXPECT(manifest->abi_version == graft::kSdkAbiVersion);
  EXPECT(manifest->plugin_count == 1);
  EXPECT(manifest->plugins[0].kind == kind);
  EXPECT(std::string(manifest->plugins[0].name) == name);
}

}  // namespace graft_test
)cpp";

const char* const kExperimentHead = R"toml(# An experiment with the @kind@ plugin `@name@` and graft's built-in plugins for the rest.
# Run it from this folder (data/ is relative to it) once the plugin is built:
#   GRAFT_PLUGIN_PATH=$PWD/build/plugins graft run experiment.toml

[experiment]
name = "@name@-demo"
seed = 1

[train]
epochs = 3
batch_size = 8
lr = 0.01
threads = 1
loader_threads = 1
log_every_steps = 5
)toml";

const char* const kReadme = R"md(# @name@: a graft @kind@ plugin

@summary@
Scaffolded by `graft new plugin --kind @kind@ --name @name@`.

## Build and test

```sh
cmake -S . -B build -G Ninja -DCMAKE_PREFIX_PATH=<graft's install prefix>
cmake --build build
ctest --test-dir build --output-on-failure
```

The plugin is `build/plugins/graft_@name@.so`.

## Use it

```sh
export GRAFT_PLUGIN_PATH=$PWD/build/plugins
graft plugins describe @name@     # the params its schema declares
graft validate experiment.toml    # checks the file, runs nothing
graft run experiment.toml         # from this folder: the experiment reads data/
graft runs --experiment @name@-demo
```

## Files

- `src/@name@.cpp`: the plugin: its params (`schema()`), its behaviour, `GRAFT_PLUGIN(...)`.
- `tests/@name@_test.cpp`: its unit test (with `tests/check.hpp`, a tiny check harness).
- `experiment.toml`: an experiment using it with graft's built-in plugins.
- `data/`: sample data, three classes of 8x8 images (one bright band per class).

## The contract

@contract@
More in graft's `docs/writing-plugins.md`. A plugin must be rebuilt whenever graft is upgraded
to another SDK ABI version, LibTorch or compiler: graft refuses it otherwise, saying why.
)md";

std::string replace_all(std::string text, const std::string& placeholder, const std::string& value) {
  for (std::size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
  return text;
}

// my_plugin -> MyPlugin
std::string class_name(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

const KindTemplate& template_of(PluginKind kind) {
  switch (kind) {
    case PluginKind::Model: return model_template();
    case PluginKind::Dataset: return dataset_template();
    case PluginKind::Strategy: return strategy_template();
    case PluginKind::Scheduler: return scheduler_template();
  }
  return model_template();
}

}  // namespace

const char* const kSmallCnnTable = R"toml(
[model]
plugin = "small_cnn"          # built in: a compact CNN, sized here for 8x8 images
channels = 4
hidden = 16
image_size = 8
)toml";

const char* const kIdxTable = R"toml(
[dataset]
plugin = "idx"                # built in: IDX files, here the sample data in data/
path = "data"                 # relative to the folder graft runs in
validation_fraction = 0.25
)toml";

std::string check_plugin_name(const std::string& name) {
  static const std::regex kName("[a-z][a-z0-9_]{0,47}");
  if (!std::regex_match(name, kName)) {
    return "use a lowercase letter, then up to 47 lowercase letters, digits or '_' (e.g. my_model): the name "
           "is the plugin's name in experiments, its library graft_NAME.so, its CMake target and its C++ class";
  }
  // CMake reserves these target names; `test` and `install` exist in every project.
  for (const char* reserved : {"all", "clean", "help", "install", "test", "package", "edit_cache", "rebuild_cache"})
    if (name == reserved) return "'" + name + "' is a reserved CMake target name; choose another";
  return {};
}

std::vector<File> project_files(PluginKind kind, const std::string& name) {
  const KindTemplate& parts = template_of(kind);
  // A scheduler touches no tensor: it builds without LibTorch (graft_add_plugin TORCH_FREE).
  const bool torch_free = kind == PluginKind::Scheduler;
  auto render = [&](const std::string& text) {
    std::string out = replace_all(text, "@torch_free_note@",
                                  torch_free ? "\n# TORCH_FREE: a scheduler needs only graft::sdk_core, no LibTorch." : "");
    out = replace_all(out, "@plugin_options@", torch_free ? " TORCH_FREE" : "");
    out = replace_all(out, "@sdk_target@", torch_free ? "graft::sdk_core" : "graft::sdk");
    out = replace_all(out, "@summary@", parts.summary);
    out = replace_all(out, "@contract@", parts.contract);
    out = replace_all(out, "@Class@", class_name(name));
    out = replace_all(out, "@kind@", kind_name(kind));
    return replace_all(out, "@name@", name);
  };
  std::vector<File> files = {
      {"CMakeLists.txt", render(kCMakeLists)},
      {"README.md", render(kReadme)},
      {"src/" + name + ".cpp", render(parts.source)},
      {"tests/" + name + "_test.cpp", render(parts.test)},
      {"tests/check.hpp", kCheckHeader},
      {"experiment.toml", render(std::string(kExperimentHead) + parts.tables)},
  };
  for (File& file : sample_data(parts.data)) files.push_back(std::move(file));
  return files;
}

}  // namespace graft::cli::scaffold
