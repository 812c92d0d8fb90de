#include "graft/log.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace graft::log {
namespace {
std::atomic<Level> current_level{Level::Info};
std::mutex write_mutex;

const char* prefix(Level level) {
  switch (level) {
    case Level::Debug: return "debug: ";
    case Level::Info: return "info: ";
    case Level::Warning: return "warning: ";
    case Level::Error: return "error: ";
    case Level::Quiet: return "";
  }
  return "";
}
}  // namespace

void set_level(Level level) { current_level = level; }
Level level() { return current_level; }

void write(Level level, std::string_view message) {
  // Loader threads and plugins log too: whole lines only.
  std::lock_guard<std::mutex> lock(write_mutex);
  std::fprintf(stderr, "%s%.*s\n", prefix(level), static_cast<int>(message.size()), message.data());
  std::fflush(stderr);
}

}  // namespace graft::log
