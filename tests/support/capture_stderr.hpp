#pragma once
// Routes the process's stderr (file descriptor 2, where graft::log writes) into a temporary file
// while alive: for checking what a plugin logged.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "support/temp_folder.hpp"

namespace graft::testing {

class CaptureStderr {
 public:
  CaptureStderr() : folder_("stderr"), saved_(::dup(2)) {
    std::fflush(stderr);
    std::FILE* file = std::fopen(folder_.file("stderr.txt").c_str(), "w");
    ::dup2(::fileno(file), 2);
    std::fclose(file);
  }
  ~CaptureStderr() { restore(); }
  CaptureStderr(const CaptureStderr&) = delete;
  CaptureStderr& operator=(const CaptureStderr&) = delete;

  // Everything written since construction; stops capturing.
  std::string text() {
    restore();
    std::ifstream in(folder_.file("stderr.txt"));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }

  TempFolder folder_;
  int saved_;
};

}  // namespace graft::testing
