#pragma once
// glibc's malloc hands freed memory back to the kernel: a large block is mmapped and unmapped
// each time, and a freed top of the heap is trimmed. A training step frees its activations and
// gradients and allocates the same sizes again in the next step, so every step faulted its
// pages back in, each zeroed by the kernel. graft suffers more than a plain loop because a batch
// is allocated in a loader thread's arena and freed by the training thread. Measured here
// (docs/benchmarks.md, finding 1): bert_mini had 21,795 minor page faults per step and 103 with
// the thresholds below; a small_cnn epoch 1.54 M faults for the whole process and about 100 k.
//
// So graft keeps freed memory for the next step: blocks up to 32 MiB come from the heap rather
// than from mmap, and the heap is trimmed only when more than 1 GiB is free at its top. The peak
// memory does not change (what is kept is what the next step reuses). A user who tunes glibc's
// malloc through the environment (GLIBC_TUNABLES, MALLOC_*_) keeps their settings.
#include <functional>

namespace graft::cli {

inline constexpr int kMmapThresholdBytes = 32 << 20;
inline constexpr int kTrimThresholdBytes = 1 << 30;

// Whether the environment (read through `lookup`, like std::getenv) sets any of glibc's malloc
// tunables: then graft leaves malloc alone.
bool user_tunes_malloc(const std::function<const char*(const char*)>& lookup);

// Sets the thresholds above unless the environment tunes malloc or this is not glibc. Returns
// whether it did. Call before the heavy allocations start.
bool keep_freed_memory_for_reuse();

}  // namespace graft::cli
