#pragma once
// Logging for the host and plugins alike: one line per message on stderr, with a level prefix,
// so that plugin messages read like the engine's ("info: new head with 10 classes").
#include <string_view>

#include <fmt/format.h>

#include "graft/export.hpp"

namespace graft::log {

enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3, Quiet = 4 };

GRAFT_SDK_API void set_level(Level level);
GRAFT_SDK_API Level level();
GRAFT_SDK_API void write(Level level, std::string_view message);

template <class... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Debug) write(Level::Debug, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Info) write(Level::Info, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Warning) write(Level::Warning, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  write(Level::Error, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace graft::log
