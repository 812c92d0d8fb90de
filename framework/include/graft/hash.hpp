#pragma once
// SHA-256, for config hashes, plugin files and artifacts (and any plugin's cache keys).
#include <filesystem>
#include <string>
#include <string_view>

#include "graft/export.hpp"

namespace graft {

GRAFT_SDK_API std::string sha256_hex(std::string_view data);
// Throws InputError naming the file when it cannot be read.
GRAFT_SDK_API std::string sha256_file(const std::filesystem::path& path);

}  // namespace graft
