#pragma once
// Where the host's test libraries are (see CMakeLists.txt) and small helpers the tests share.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/registry.hpp"
#include "support/temp_folder.hpp"

namespace graft_test {

inline const std::filesystem::path kPluginDir = GRAFT_TEST_PLUGIN_DIR;
inline const std::filesystem::path kDuplicateDir = GRAFT_TEST_DUPLICATE_DIR;
inline const std::filesystem::path kTorchFreeDir = GRAFT_TEST_TORCH_FREE_DIR;

// Canonical path of a test library, by its target name without "host_test_": "good", "throwing".
inline std::filesystem::path library(const std::string& name) {
  return std::filesystem::canonical(kPluginDir / ("graft_host_test_" + name + ".so"));
}
inline std::filesystem::path torch_free_library(const std::string& name) {
  return std::filesystem::canonical(kTorchFreeDir / ("graft_host_test_torch_free_" + name + ".so"));
}
inline std::filesystem::path duplicate_library() {
  return std::filesystem::canonical(kDuplicateDir / "graft_host_test_duplicate.so");
}

using TempDir = graft::testing::TempFolder;

// A registry that scanned `entries`, its load problems kept for the test to read, not logged.
inline graft::host::Registry scanned(const std::vector<std::filesystem::path>& entries) {
  graft::host::Registry registry;
  registry.set_log_problems(false);
  registry.scan(entries);
  return registry;
}

// Sets (or, given nullopt, unsets) an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const std::optional<std::string>& value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) saved_ = old;
    set(value);
  }
  ~ScopedEnv() { set(saved_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void set(const std::optional<std::string>& value) {
    if (value) ::setenv(name_.c_str(), value->c_str(), 1);
    else ::unsetenv(name_.c_str());
  }
  std::string name_;
  std::optional<std::string> saved_;
};

}  // namespace graft_test
