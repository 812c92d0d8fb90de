#pragma once
// Where the host's test libraries are (see CMakeLists.txt) and small helpers the tests share.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "support/temp_folder.hpp"
#include <optional>
#include <string>

namespace graft_test {

inline const std::filesystem::path kPluginDir = GRAFT_TEST_PLUGIN_DIR;
inline const std::filesystem::path kDuplicateDir = GRAFT_TEST_DUPLICATE_DIR;

// Canonical path of a test library, by its target name without "host_test_": "good", "throwing".
inline std::filesystem::path library(const std::string& name) {
  return std::filesystem::canonical(kPluginDir / ("graft_host_test_" + name + ".so"));
}
inline std::filesystem::path duplicate_library() {
  return std::filesystem::canonical(kDuplicateDir / "graft_host_test_duplicate.so");
}

using TempDir = graft::testing::TempFolder;

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
