// graft keeps memory a training step frees for the next step (framework/cli/memory_policy.hpp),
// unless the user tunes glibc's malloc through the environment.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/memory_policy.hpp"

using graft::cli::user_tunes_malloc;

namespace {

// An environment as a map, read like std::getenv.
auto environment(std::map<std::string, std::string> variables) {
  return [variables](const char* name) -> const char* {
    const auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  };
}

}  // namespace

TEST_CASE("malloc is left alone when the environment tunes it") {
  CHECK_FALSE(user_tunes_malloc(environment({})));
  CHECK_FALSE(user_tunes_malloc(environment({{"GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX512F"}})));
  CHECK_FALSE(user_tunes_malloc(environment({{"MALLOC_TRIM_THRESHOLD_", ""}})));
  CHECK(user_tunes_malloc(environment({{"GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0"}})));
  CHECK(user_tunes_malloc(environment({{"GLIBC_TUNABLES", "glibc.cpu.x=1:glibc.malloc.arena_max=2"}})));
  CHECK(user_tunes_malloc(environment({{"MALLOC_MMAP_THRESHOLD_", "131072"}})));
  CHECK(user_tunes_malloc(environment({{"MALLOC_TRIM_THRESHOLD_", "0"}})));
  CHECK(user_tunes_malloc(environment({{"MALLOC_ARENA_MAX", "1"}})));
}

#if defined(__GLIBC__)
TEST_CASE("after keep_freed_memory_for_reuse a freed 16 MiB block stays in the process for the next one") {
  if (user_tunes_malloc([](const char* name) { return std::getenv(name); })) {
    WARN("the environment tunes glibc's malloc: nothing to check");
    return;
  }
  REQUIRE(graft::cli::keep_freed_memory_for_reuse());
  constexpr std::size_t kBlock = 16u << 20;  // above glibc's default mmap threshold, below ours
  const auto mapped_before = mallinfo2().hblkhd;
  void* block = std::malloc(kBlock);
  REQUIRE(block);
  std::memset(block, 1, kBlock);
  const auto mapped_with_block = mallinfo2().hblkhd;
  std::free(block);
  const auto after = mallinfo2();
  // Not an mmapped block (given back to the kernel on free), and not trimmed off the heap either:
  // the freed bytes are still the process's, ready for the next allocation of that size.
  CHECK(mapped_with_block == mapped_before);
  CHECK(after.fordblks >= kBlock);
}
#endif
