#pragma once
// Parses a command line with a CLI11 app, as main() would, and returns what it printed.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "support/capture_stdout.hpp"

namespace graft::testing {

inline std::string parse_and_capture(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  CaptureStdout capture;
  app.parse(static_cast<int>(argv.size()), argv.data());
  return capture.text();
}

}  // namespace graft::testing
