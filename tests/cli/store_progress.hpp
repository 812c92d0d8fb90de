#pragma once
// How far the runs of a store still being written have got: what the end-to-end tests wait for
// before they interrupt or kill a run.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <thread>
#include <variant>

#include "graft/storage/store.hpp"

namespace graft::testing {

// Runs that have finished at least one epoch (0 while the store is not there yet).
inline std::int64_t runs_past_an_epoch(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return 0;
  try {
    const auto store = storage::Store::open(db, storage::Store::Access::ReadOnly);
    const auto result = store.query("SELECT count(DISTINCT run_id) FROM metrics WHERE key = 'val.accuracy'");
    return std::get<std::int64_t>(result.rows.at(0).at(0));
  } catch (const storage::StoreError&) {
    return 0;  // the file exists but its schema is not written yet
  }
}

// Waits (up to 3 minutes) until `runs` runs of the store have finished an epoch.
inline bool wait_for_an_epoch(const std::filesystem::path& db, std::int64_t runs = 1) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (runs_past_an_epoch(db) < runs && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return runs_past_an_epoch(db) >= runs;
}

}  // namespace graft::testing
