#include "engine/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "graft/log.hpp"

namespace graft::engine {
namespace {

constexpr auto kTerminalRedraw = std::chrono::milliseconds(200);
constexpr auto kPlainLineEvery = std::chrono::seconds(15);
constexpr int kBarWidth = 24;

std::string clock_text(double seconds) {
  const auto total = static_cast<long long>(seconds + 0.5);
  return total >= 3600 ? fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60)
                       : fmt::format("{:02}:{:02}", total / 60, total % 60);
}

}  // namespace

ProgressReporter::ProgressReporter(std::string trial, std::int64_t total_epochs, std::int64_t steps_per_epoch,
                                   bool enabled)
    : trial_(std::move(trial)),
      total_epochs_(total_epochs),
      steps_per_epoch_(steps_per_epoch),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0) {}

void ProgressReporter::begin_epoch(std::int64_t epoch) {
  epoch_ = epoch;
  step_ = 0;
  samples_ = 0;
  epoch_start_ = last_draw_ = std::chrono::steady_clock::now();
}

void ProgressReporter::step(std::int64_t step_in_epoch, double loss, std::int64_t samples) {
  step_ = step_in_epoch;
  loss_ = loss;
  samples_ = samples;
  draw(false);
}

void ProgressReporter::draw(bool force) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const std::chrono::steady_clock::duration interval = terminal_ ? kTerminalRedraw : kPlainLineEvery;
  if (!force && now - last_draw_ < interval) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - epoch_start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(samples_) / elapsed : 0.0;
  const double fraction = steps_per_epoch_ ? static_cast<double>(step_) / static_cast<double>(steps_per_epoch_) : 0.0;
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0.0;
  const std::string stats = fmt::format("epoch {}/{} step {}/{} loss {:.4f} {:.0f} samples/s ETA {}", epoch_ + 1,
                                        total_epochs_, step_, steps_per_epoch_, loss_, rate, clock_text(eta));
  if (terminal_) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    std::fprintf(stderr, "\r\033[K%s [%s%s] %s", trial_.c_str(), std::string(filled, '#').c_str(),
                 std::string(kBarWidth - filled, '.').c_str(), stats.c_str());
    bar_visible_ = true;
  } else {
    std::fprintf(stderr, "%s: %s\n", trial_.c_str(), stats.c_str());
  }
  std::fflush(stderr);
}

void ProgressReporter::end_epoch(const std::string& summary) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - epoch_start_).count();
  message(fmt::format("{}: epoch {}/{} ({}, {:.0f} samples/s) {}", trial_, epoch_ + 1, total_epochs_,
                      clock_text(elapsed), elapsed > 0 ? static_cast<double>(samples_) / elapsed : 0.0, summary));
}

void ProgressReporter::message(const std::string& line) {
  if (line.empty() && !bar_visible_) return;
  if (log::level() > log::Level::Info) return;  // --quiet
  if (bar_visible_) std::fprintf(stderr, "\r\033[K");
  bar_visible_ = false;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace graft::engine
