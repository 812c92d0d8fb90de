#include "cli/memory_policy.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace graft::cli {

bool user_tunes_malloc(const std::function<const char*(const char*)>& lookup) {
  // glibc's own environment variables for the malloc parameters (mallopt(3)).
  for (const char* name : {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_",
                           "MALLOC_MMAP_MAX_", "MALLOC_ARENA_MAX"}) {
    if (const char* value = lookup(name); value && *value) return true;
  }
  const char* tunables = lookup("GLIBC_TUNABLES");
  return tunables && std::strstr(tunables, "glibc.malloc.") != nullptr;
}

bool keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  if (user_tunes_malloc([](const char* name) { return std::getenv(name); })) return false;
  // Setting the mmap threshold also turns off glibc's dynamic threshold, which would otherwise
  // reset the trim threshold at the next large free.
  return mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes) == 1;
#else
  return false;
#endif
}

}  // namespace graft::cli
