#pragma once
// Where a running trial's metrics go: buffered and written to the store in batches (one short
// transaction each), at most every couple of seconds and at the end of every epoch, with the
// run's heartbeat.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "graft/storage/store.hpp"

namespace graft::engine {

class RunRecorder {
 public:
  RunRecorder(storage::Store& store, std::int64_t run_id);
  // A recorder that keeps nothing: a data-parallel rank other than 0 measures what rank 0 records.
  explicit RunRecorder(std::int64_t run_id);
  ~RunRecorder();  // flushes what is left (errors are logged, not thrown)

  void record(const std::string& key, double value, std::int64_t step, std::optional<std::int64_t> epoch);
  void flush_if_due();
  void flush();
  void add_artifact(const storage::ArtifactRow& artifact);

  std::int64_t run_id() const { return run_id_; }

 private:
  storage::Store* store_;  // null: records nothing
  std::int64_t run_id_;
  std::vector<storage::MetricPoint> pending_;
  std::chrono::steady_clock::time_point last_flush_;
};

// The artifact row of a file a run wrote or read: its name, absolute path, SHA-256 and size.
storage::ArtifactRow file_artifact(const std::string& name, const std::filesystem::path& path);

}  // namespace graft::engine
