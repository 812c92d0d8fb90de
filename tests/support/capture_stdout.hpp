#pragma once
// Routes std::cout into a string while alive: for testing commands that print.
#include <iostream>
#include <sstream>
#include <string>

namespace graft::testing {

class CaptureStdout {
 public:
  CaptureStdout() : saved_(std::cout.rdbuf(buffer_.rdbuf())) {}
  ~CaptureStdout() { std::cout.rdbuf(saved_); }
  CaptureStdout(const CaptureStdout&) = delete;
  CaptureStdout& operator=(const CaptureStdout&) = delete;
  std::string text() const { return buffer_.str(); }

 private:
  std::ostringstream buffer_;
  std::streambuf* saved_;
};

}  // namespace graft::testing
