// Whether a store can be written where it is asked for, answered before any work starts: a run
// should not load its data, or a sweep prepare its trials, only to find it cannot record them.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "graft/storage/store.hpp"

namespace graft::storage {

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
