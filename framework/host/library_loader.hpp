#pragma once
// Opens one plugin library and reads its manifest: the ABI version first, then the build
// fingerprint, and only then the descriptors. A refused library yields a LoadProblem, never an
// exception: one bad file must not hide the good ones.
#include <filesystem>
#include <vector>

#include "host/registry.hpp"

namespace graft::host {

struct LibraryLoad {
  std::vector<LoadedPlugin> plugins;  // in manifest order
  std::vector<LoadProblem> problems;  // the whole library refused, or single descriptors skipped
};

// `file` names the library in every message and in LoadedPlugin::file: pass it canonical.
LibraryLoad load_library(const std::filesystem::path& file);

}  // namespace graft::host
