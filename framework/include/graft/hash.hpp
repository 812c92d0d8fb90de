#pragma once
// SHA-256, for config hashes, plugin files and artifacts (and any plugin's cache keys).
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "graft/export.hpp"

namespace graft {

// Incremental SHA-256, for data too large to copy into one string (model weights).
class GRAFT_SDK_API Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  void update(std::string_view text) { update(text.data(), text.size()); }
  std::string hex();  // finishes the digest: call once

 private:
  struct State;
  std::unique_ptr<State> state_;
};

GRAFT_SDK_API std::string sha256_hex(std::string_view data);
// Throws InputError naming the file when it cannot be read.
GRAFT_SDK_API std::string sha256_file(const std::filesystem::path& path);

}  // namespace graft
