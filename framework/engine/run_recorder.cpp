#include "engine/run_recorder.hpp"

#include <chrono>

#include "graft/hash.hpp"
#include "graft/log.hpp"

namespace graft::engine {
namespace {

constexpr auto kFlushEvery = std::chrono::seconds(2);

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

RunRecorder::RunRecorder(storage::Store& store, std::int64_t run_id)
    : store_(&store), run_id_(run_id), last_flush_(std::chrono::steady_clock::now()) {}

RunRecorder::RunRecorder(std::int64_t run_id)
    : store_(nullptr), run_id_(run_id), last_flush_(std::chrono::steady_clock::now()) {}

RunRecorder::~RunRecorder() {
  try {
    flush();
  } catch (const std::exception& error) {
    log::error("could not record the last metrics of run {}: {}", run_id_, error.what());
  }
}

void RunRecorder::record(const std::string& key, double value, std::int64_t step, std::optional<std::int64_t> epoch) {
  if (store_) pending_.push_back(storage::MetricPoint{key, step, epoch, value, unix_now()});
}

void RunRecorder::flush_if_due() {
  if (std::chrono::steady_clock::now() - last_flush_ >= kFlushEvery) flush();
}

void RunRecorder::flush() {
  last_flush_ = std::chrono::steady_clock::now();
  if (!store_) return;
  if (pending_.empty()) {
    store_->heartbeat(run_id_);
    return;
  }
  store_->log_metrics(run_id_, pending_);
  pending_.clear();
}

void RunRecorder::add_artifact(const storage::ArtifactRow& artifact) {
  if (store_) store_->add_artifact(run_id_, artifact);
}

storage::ArtifactRow file_artifact(const std::string& name, const std::filesystem::path& path) {
  return storage::ArtifactRow{name, path.string(), sha256_file(path),
                              static_cast<std::int64_t>(std::filesystem::file_size(path))};
}

}  // namespace graft::engine
