#pragma once
// Training progress for people: a redrawn bar on a terminal (epoch, step, loss, samples/s, ETA),
// plain lines every few seconds otherwise (logs, CI), always on stderr.
#include <chrono>
#include <cstdint>
#include <string>

namespace graft::engine {

class ProgressReporter {
 public:
  // `enabled` turns the bar and the periodic lines on; epoch summaries are always printed.
  ProgressReporter(std::string trial, std::int64_t total_epochs, std::int64_t steps_per_epoch, bool enabled);

  void begin_epoch(std::int64_t epoch);  // 0-based
  void step(std::int64_t step_in_epoch, double loss, std::int64_t samples);
  void end_epoch(const std::string& summary);  // one line that stays, e.g. "val.accuracy 0.91"
  void message(const std::string& line);

 private:
  void draw(bool force);

  std::string trial_;
  std::int64_t total_epochs_;
  std::int64_t steps_per_epoch_;
  bool enabled_;
  bool terminal_;
  std::int64_t epoch_ = 0;
  std::int64_t step_ = 0;
  double loss_ = 0;
  std::int64_t samples_ = 0;
  bool bar_visible_ = false;
  std::chrono::steady_clock::time_point epoch_start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace graft::engine
