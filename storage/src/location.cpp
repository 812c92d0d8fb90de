// Where a store and the folders beside it are: whether a store can be written where it is asked
// for, answered before any work starts (a run should not load its data, or a sweep prepare its
// trials, only to find it cannot record them), and the paths of its run and cache folders.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "graft/storage/location.hpp"
#include "graft/storage/store.hpp"

namespace graft::storage {

std::filesystem::path runs_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-runs");
}

std::filesystem::path cache_folder(const std::filesystem::path& store_path) {
  return store_path.parent_path() / (store_path.stem().string() + "-cache");
}

std::filesystem::path run_folder(const std::filesystem::path& store_path, std::int64_t run_id) {
  return std::filesystem::absolute(runs_folder(store_path)) / std::to_string(run_id);
}

void check_store_location(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path absolute = fs::absolute(path, error);
  const fs::path folder = (error ? path : absolute).parent_path();
  if (!fs::is_directory(folder, error)) {
    throw StoreError(fmt::format("cannot create the results store {}: its folder {} does not exist; create it, or "
                                 "give another --db",
                                 path.string(), folder.string()));
  }
  // An existing store must be writable itself; a new one needs its folder (it also holds the
  // runs' folder, graft-runs/, beside the store).
  const fs::path target = fs::exists(path, error) ? path : folder;
  if (::access(target.c_str(), W_OK) != 0) {
    throw StoreError(fmt::format("cannot write the results store {}: {} is not writable ({}); give a --db where you "
                                 "can write",
                                 path.string(), target.string(), std::strerror(errno)));
  }
}

}  // namespace graft::storage
