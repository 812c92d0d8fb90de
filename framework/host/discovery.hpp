#pragma once
// Which files the registry tries to load: the shared libraries of each plugin folder, and every
// file named explicitly. Nothing here opens a library.
#include <filesystem>
#include <vector>

#include "host/registry.hpp"

namespace graft::host {

// *.so, *.so.N[.N...] and *.dylib: the names a folder scan considers. Anything else in a plugin
// folder (READMEs, build leftovers) is ignored without a word.
bool looks_like_shared_library(const std::filesystem::path& file);

struct PluginFiles {
  std::vector<std::filesystem::path> files;  // in scan order: entries in order, folders sorted by name
  std::vector<LoadProblem> problems;         // entries that do not exist or cannot be listed
};

// Expands scan entries: a folder gives its shared libraries (not recursive), a file gives itself
// whatever its name (the user asked for it by name).
PluginFiles find_plugin_files(const std::vector<std::filesystem::path>& entries);

}  // namespace graft::host
